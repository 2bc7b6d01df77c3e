import { closeSync, fdatasync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { frameLength, scanFrames, FRAME_HEAD, type FrameScan, type StoredRecord } from './frame.js';

/** A sparse index entry every this many bytes: a read scans at most this much before its first record. */
const INDEX_EVERY_BYTES = 64 * 1024;
/** How much a read takes from the file at once, beyond the bytes it may skip to reach its offset. */
const READ_CHUNK_BYTES = 1024 * 1024;

export function segmentFileName(base: number): string {
  return `${String(base).padStart(20, '0')}.log`;
}

/** What a closed segment's side file records, so opening the log does not read every segment. */
interface SegmentSummary {
  size: number;
  first: number;
  end: number;
  lastTimestamp: number;
  offsets: number[];
  positions: number[];
}

/**
 * One file of a topic-partition's log: frames appended at its end, read from any offset through a
 * sparse index. The file descriptor opens on first use and can be released while unused.
 */
export class Segment {
  /** Offset of the first record, or `base` while empty. */
  first: number;
  /** One past the offset of the last record appended. */
  end: number;
  size = 0;
  lastTimestamp = 0;
  /** When it received its first record: a segment rolls when it gets old, so retention by age can drop it. */
  createdAt = 0;
  usedAt = 0;
  private fd: number | null = null;
  private readonly indexOffsets: number[] = [];
  private readonly indexPositions: number[] = [];

  private constructor(
    readonly path: string,
    readonly base: number,
  ) {
    this.first = base;
    this.end = base;
  }

  static create(directory: string, base: number, now: number): Segment {
    const segment = new Segment(join(directory, segmentFileName(base)), base);
    segment.fd = openSync(segment.path, 'w+');
    segment.createdAt = now;
    syncDirectory(directory);
    return segment;
  }

  /**
   * Opens an existing file. Without a valid side file its frames are read to rebuild the index;
   * with `recover`, a torn or damaged tail (a crash in the middle of a write) is cut off. `visit`
   * sees every record when given (compacted topics track the latest offset per key).
   */
  static open(path: string, base: number, options: { recover: boolean; visit?: (record: StoredRecord) => void }): { segment: Segment; scan: FrameScan } {
    const segment = new Segment(path, base);
    if (!options.recover && !options.visit && segment.loadSummary()) return { segment, scan: { end: segment.size, stop: 'end' } };
    const bytes = readFileSync(path);
    const scan = scanFrames(bytes, 0, (record, position) => {
      segment.note(record, position);
      options.visit?.(record);
      return true;
    });
    segment.size = scan.end;
    if (scan.end < bytes.length) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, scan.end);
      fsyncSync(fd);
      closeSync(fd);
    }
    return { segment, scan };
  }

  /** Writes the frame holding `records` at the end; durable only after sync(). */
  append(frame: Buffer, records: readonly StoredRecord[]): void {
    const fd = this.open();
    let written = 0;
    while (written < frame.length) written += writeSync(fd, frame, written, frame.length - written, this.size + written);
    for (const record of records) this.note(record, this.size);
    this.size += frame.length;
  }

  sync(): Promise<void> {
    const fd = this.open();
    return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }

  /** Records with offset >= `from` and < `before`, at most `limit` of them. */
  read(from: number, before: number, limit: number): StoredRecord[] {
    const fd = this.open();
    this.usedAt = Date.now();
    const records: StoredRecord[] = [];
    let position = this.indexedPosition(from);
    while (records.length < limit && position < this.size) {
      const want = Math.min(this.size - position, READ_CHUNK_BYTES + INDEX_EVERY_BYTES);
      let chunk = readAt(fd, position, want);
      if (chunk.length >= FRAME_HEAD && frameLength(chunk) > chunk.length) chunk = readAt(fd, position, Math.min(this.size - position, frameLength(chunk)));
      let full = false;
      const scan = scanFrames(chunk, 0, (record) => {
        if (record.offset >= before) {
          full = true;
          return false;
        }
        if (record.offset >= from) records.push(record);
        full = records.length >= limit;
        return !full;
      });
      if (full || scan.end === 0) break;
      position += scan.end;
    }
    return records;
  }

  /** Written when the segment is closed for appends; a stale or missing one only costs a scan at open. */
  writeSummary(): void {
    const summary: SegmentSummary = { size: this.size, first: this.first, end: this.end, lastTimestamp: this.lastTimestamp, offsets: this.indexOffsets, positions: this.indexPositions };
    const path = this.summaryPath();
    writeFileSync(`${path}.tmp`, JSON.stringify(summary));
    renameSync(`${path}.tmp`, path);
  }

  /** Releases the file descriptor; the next read opens it again. */
  release(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  remove(): void {
    this.release();
    rmSync(this.path, { force: true });
    rmSync(this.summaryPath(), { force: true });
  }

  get empty(): boolean {
    return this.size === 0;
  }

  private note(record: StoredRecord, position: number): void {
    if (this.size === 0 && this.indexOffsets.length === 0) this.first = record.offset;
    const lastIndexed = this.indexPositions[this.indexPositions.length - 1];
    if (lastIndexed === undefined || position - lastIndexed >= INDEX_EVERY_BYTES) {
      this.indexOffsets.push(record.offset);
      this.indexPositions.push(position);
    }
    this.end = record.offset + 1;
    this.lastTimestamp = Math.max(this.lastTimestamp, record.timestamp);
    if (this.createdAt === 0) this.createdAt = record.timestamp;
  }

  private indexedPosition(offset: number): number {
    let low = 0;
    let high = this.indexOffsets.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.indexOffsets[middle] <= offset) {
        found = this.indexPositions[middle];
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  private loadSummary(): boolean {
    try {
      const summary = JSON.parse(readFileSync(this.summaryPath(), 'utf8')) as SegmentSummary;
      const size = statSync(this.path).size;
      if (size !== summary.size) return false;
      Object.assign(this, { size, first: summary.first, end: summary.end, lastTimestamp: summary.lastTimestamp, createdAt: summary.lastTimestamp });
      this.indexOffsets.push(...summary.offsets);
      this.indexPositions.push(...summary.positions);
      return true;
    } catch {
      return false;
    }
  }

  private summaryPath(): string {
    return this.path.replace(/\.log$/, '.summary.json');
  }

  private open(): number {
    if (this.fd === null) this.fd = openSync(this.path, 'r+');
    return this.fd;
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/** A new or renamed file survives a crash only once its directory entry is on disk too. */
export function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
