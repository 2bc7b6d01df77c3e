import { crc32 } from 'node:zlib';

/** A record as the embedded bus keeps it: headers and value already in the codec's text form. */
export interface StoredRecord {
  offset: number;
  /** When the bus accepted it, epoch ms. */
  timestamp: number;
  key: string;
  /** '' when the record has no headers, else their JSON. */
  headers: string;
  value: string;
  /** About the bytes it takes: the unit of the memory budget and cache. */
  size: number;
}

/**
 * On disk the records of one publish() are one frame: body length (u32) and CRC-32 of the body
 * (u32), then the body: the record count (u32) and each record as offset and timestamp (f64,
 * exact to 2^53), key, headers and value lengths (u32) and those three as UTF-8. The length and
 * CRC tell a whole frame from one torn by a crash; a frame is acknowledged whole or not at all.
 */
export const FRAME_HEAD = 8;
const RECORD_HEAD = 28;

export function storedRecord(offset: number, timestamp: number, key: string, headers: string, value: string): StoredRecord {
  return { offset, timestamp, key, headers, value, size: RECORD_HEAD + key.length + headers.length + value.length };
}

/** The records as one frame. */
export function encodeFrame(records: readonly StoredRecord[]): Buffer {
  let room = FRAME_HEAD + 4;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: room enough without measuring each string first.
  for (const record of records) room += RECORD_HEAD + 3 * (record.key.length + record.headers.length + record.value.length);
  const buffer = Buffer.allocUnsafe(room);
  buffer.writeUInt32LE(records.length, FRAME_HEAD);
  let at = FRAME_HEAD + 4;
  for (const record of records) {
    buffer.writeDoubleLE(record.offset, at);
    buffer.writeDoubleLE(record.timestamp, at + 8);
    let cursor = at + RECORD_HEAD;
    const keyBytes = buffer.write(record.key, cursor, 'utf8');
    cursor += keyBytes;
    const headerBytes = buffer.write(record.headers, cursor, 'utf8');
    cursor += headerBytes;
    const valueBytes = buffer.write(record.value, cursor, 'utf8');
    buffer.writeUInt32LE(keyBytes, at + 16);
    buffer.writeUInt32LE(headerBytes, at + 20);
    buffer.writeUInt32LE(valueBytes, at + 24);
    at = cursor + valueBytes;
  }
  buffer.writeUInt32LE(at - FRAME_HEAD, 0);
  buffer.writeUInt32LE(crc32(buffer.subarray(FRAME_HEAD, at)), 4);
  return buffer.subarray(0, at);
}

export interface FrameScan {
  /** Position just after the last whole, intact frame read. */
  end: number;
  /** Why reading stopped: at the end of the buffer, in the middle of a frame, or at a frame whose CRC does not match. */
  stop: 'end' | 'partial' | 'corrupt';
}

/**
 * Reads the frames in `buffer` from `start`, handing each record and the position of its frame
 * to `visit` until `visit` returns false. A frame cut short or failing its CRC ends the scan.
 */
export function scanFrames(buffer: Buffer, start: number, visit: (record: StoredRecord, position: number) => boolean): FrameScan {
  let at = start;
  while (at < buffer.length) {
    if (buffer.length - at < FRAME_HEAD + 4) return { end: at, stop: 'partial' };
    const length = buffer.readUInt32LE(at);
    const body = at + FRAME_HEAD;
    const end = body + length;
    if (length < 4) return { end: at, stop: 'corrupt' };
    if (end > buffer.length) return { end: at, stop: 'partial' };
    if (crc32(buffer.subarray(body, end)) !== buffer.readUInt32LE(at + 4)) return { end: at, stop: 'corrupt' };
    const count = buffer.readUInt32LE(body);
    let cursor = body + 4;
    for (let i = 0; i < count; i++) {
      if (cursor + RECORD_HEAD > end) return { end: at, stop: 'corrupt' };
      const keyAt = cursor + RECORD_HEAD;
      const headersAt = keyAt + buffer.readUInt32LE(cursor + 16);
      const valueAt = headersAt + buffer.readUInt32LE(cursor + 20);
      const valueEnd = valueAt + buffer.readUInt32LE(cursor + 24);
      if (valueEnd > end) return { end: at, stop: 'corrupt' };
      const key = buffer.toString('utf8', keyAt, headersAt);
      const headers = buffer.toString('utf8', headersAt, valueAt);
      const value = buffer.toString('utf8', valueAt, valueEnd);
      const record = storedRecord(buffer.readDoubleLE(cursor), buffer.readDoubleLE(cursor + 8), key, headers, value);
      cursor = valueEnd;
      if (!visit(record, at)) return { end: at, stop: 'end' };
    }
    at = end;
  }
  return { end: at, stop: 'end' };
}

/** The length of the frame whose first bytes `head` holds, so a reader knows how much to read. */
export function frameLength(head: Buffer): number {
  return FRAME_HEAD + head.readUInt32LE(0);
}
