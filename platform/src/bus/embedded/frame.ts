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
  /** Its framed size in bytes: the unit of size retention, of the memory budget and of file positions. */
  size: number;
}

/**
 * On disk a record is a frame: body length (u32), CRC-32 of the body (u32), then the body: offset
 * and timestamp (f64 each, exact to 2^53), key and headers lengths (u32 each), key, headers and
 * value as UTF-8. The length and CRC let a reader tell a whole frame from one torn by a crash.
 */
export const FRAME_HEAD = 8;
const BODY_HEAD = 24;

export function storedRecord(offset: number, timestamp: number, key: string, headers: string, value: string): StoredRecord {
  const size = FRAME_HEAD + BODY_HEAD + Buffer.byteLength(key) + Buffer.byteLength(headers) + Buffer.byteLength(value);
  return { offset, timestamp, key, headers, value, size };
}

/** The records' frames, back to back, in one buffer. */
export function encodeFrames(records: readonly StoredRecord[]): Buffer {
  let total = 0;
  for (const record of records) total += record.size;
  const buffer = Buffer.allocUnsafe(total);
  let at = 0;
  for (const record of records) {
    const body = at + FRAME_HEAD;
    buffer.writeDoubleLE(record.offset, body);
    buffer.writeDoubleLE(record.timestamp, body + 8);
    let cursor = body + BODY_HEAD;
    const keyBytes = buffer.write(record.key, cursor, 'utf8');
    cursor += keyBytes;
    const headerBytes = buffer.write(record.headers, cursor, 'utf8');
    cursor += headerBytes;
    cursor += buffer.write(record.value, cursor, 'utf8');
    buffer.writeUInt32LE(keyBytes, body + 16);
    buffer.writeUInt32LE(headerBytes, body + 20);
    buffer.writeUInt32LE(cursor - body, at);
    buffer.writeUInt32LE(crc32(buffer.subarray(body, cursor)), at + 4);
    at = cursor;
  }
  return buffer;
}

export interface FrameScan {
  /** Position just after the last whole, intact frame read. */
  end: number;
  /** Why reading stopped: the buffer ended on a frame boundary, in the middle of a frame, or at a frame whose CRC does not match. */
  stop: 'end' | 'partial' | 'corrupt';
}

/**
 * Reads the frames in `buffer` from `start`, handing each record and its position to `visit`
 * until `visit` returns false. A frame cut short or failing its CRC ends the scan.
 */
export function scanFrames(buffer: Buffer, start: number, visit: (record: StoredRecord, position: number) => boolean): FrameScan {
  let at = start;
  while (at < buffer.length) {
    if (buffer.length - at < FRAME_HEAD + BODY_HEAD) return { end: at, stop: 'partial' };
    const length = buffer.readUInt32LE(at);
    const body = at + FRAME_HEAD;
    if (length < BODY_HEAD) return { end: at, stop: 'corrupt' };
    if (body + length > buffer.length) return { end: at, stop: 'partial' };
    if (crc32(buffer.subarray(body, body + length)) !== buffer.readUInt32LE(at + 4)) return { end: at, stop: 'corrupt' };
    const keyBytes = buffer.readUInt32LE(body + 16);
    const headerBytes = buffer.readUInt32LE(body + 20);
    if (BODY_HEAD + keyBytes + headerBytes > length) return { end: at, stop: 'corrupt' };
    const keyAt = body + BODY_HEAD;
    const record: StoredRecord = {
      offset: buffer.readDoubleLE(body),
      timestamp: buffer.readDoubleLE(body + 8),
      key: buffer.toString('utf8', keyAt, keyAt + keyBytes),
      headers: buffer.toString('utf8', keyAt + keyBytes, keyAt + keyBytes + headerBytes),
      value: buffer.toString('utf8', keyAt + keyBytes + headerBytes, body + length),
      size: FRAME_HEAD + length,
    };
    const position = at;
    at = body + length;
    if (!visit(record, position)) return { end: at, stop: 'end' };
  }
  return { end: at, stop: 'end' };
}

/** The length of the frame at `position` from its first bytes, so a reader knows how much to read. */
export function frameLength(head: Buffer): number {
  return FRAME_HEAD + head.readUInt32LE(0);
}
