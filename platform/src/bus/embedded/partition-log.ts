import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicPolicy } from '../../../../contracts/src/index.js';
import type { Logger } from '../../logger.js';
import { compactSegments, recoverCompaction } from './compaction.js';
import { embeddedBusError } from './errors.js';
import { encodeFrame, storedRecord, type StoredRecord } from './frame.js';
import { RecordTail } from './record-tail.js';
import { Segment } from './segment.js';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

export interface PartitionLogOptions {
  topic: string;
  policy: TopicPolicy;
  /** The partition's folder; without it the log lives in memory only and dies with the process. */
  directory?: string;
  /** A segment file rolls at this size. */
  segmentBytes: number;
  /** On disk: the newest records also kept in memory, so consumers that keep up never read the disk. */
  cacheBytes: number;
  /** In memory: records beyond this are dropped once every group has handled them. */
  memoryBytes: number;
  /** Compact once this many records are superseded by a newer one with the same key (and more than there are keys). */
  compactionThreshold: number;
  now: () => number;
  logger?: Logger;
}

/**
 * One topic-partition's log: records in offset order, kept by the topic's policy (retention by
 * age and size, or compaction to the latest record per key). On disk it is a list of segment
 * files and the newest records are cached in memory; without a directory the memory is the log.
 * Appends on disk become visible to readers (`durableEnd`) only once flush() has synced them.
 */
export class PartitionLog {
  nextOffset = 0;
  /** Readers see offsets below it: on disk, what a flush synced; in memory, everything appended. */
  durableEnd = 0;
  private readonly tail = new RecordTail();
  private segments: Segment[] = [];
  private pending: StoredRecord[] = [];
  /** Compacted topics: the offset of the latest record per key, and how many records the log holds. */
  private readonly latest: Map<string, number> | null;
  private count = 0;
  private failure: Error | null = null;
  private readonly segmentMs: number;

  constructor(private readonly options: PartitionLogOptions) {
    this.latest = options.policy.compacted ? new Map() : null;
    // About 24 segments per retention period: a segment is deleted whole, so this is how much longer than the policy records may stay.
    const retentionMs = options.policy.retention.ms;
    this.segmentMs = retentionMs === undefined ? WEEK_MS : Math.min(Math.max(retentionMs / 24, HOUR_MS), WEEK_MS);
    if (options.directory) this.openDirectory(options.directory);
  }

  get durable(): boolean {
    return this.options.directory !== undefined;
  }

  /** The oldest offset still held. */
  get start(): number {
    if (!this.durable) return this.tail.first()?.offset ?? this.nextOffset;
    const first = this.segments.find((segment) => !segment.empty);
    return first ? first.first : this.durableEnd;
  }

  /** Adds records; in memory they are visible at once, on disk after the next flush(). */
  append(records: ReadonlyArray<{ key: string; headers: string; value: string }>): void {
    if (this.failure) throw this.failure;
    const timestamp = this.options.now();
    for (const { key, headers, value } of records) {
      const record = storedRecord(this.nextOffset++, timestamp, key, headers, value);
      this.tail.push(record);
      if (this.durable) this.pending.push(record);
      this.latest?.set(key, record.offset);
      this.count++;
    }
    if (!this.durable) this.durableEnd = this.nextOffset;
  }

  get unflushed(): boolean {
    return this.pending.length > 0;
  }

  /** Writes what was appended since the last flush and syncs it to disk, then makes it visible. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const end = batch[batch.length - 1].offset + 1;
    try {
      const frames = encodeFrame(batch);
      this.rollIfDue(frames.length, batch[0].offset);
      const active = this.active();
      active.append(frames, batch);
      await active.sync();
    } catch (error) {
      this.failure = embeddedBusError('IOC_BUS_LOG_UNWRITABLE', [this.options.directory ?? this.options.topic, (error as Error).message], { cause: error });
      throw this.failure;
    }
    this.durableEnd = end;
  }

  /** Visible records with offset >= `from`, at most `limit`; from the memory cache when it holds them. */
  read(from: number, limit: number): StoredRecord[] {
    const start = Math.max(from, this.start);
    if (start >= this.durableEnd) return [];
    const cached = this.tail.first();
    if (!this.durable || (cached && cached.offset <= start)) return this.tail.read(start, this.durableEnd, limit);
    const records: StoredRecord[] = [];
    for (const segment of this.segments) {
      if (segment.end <= start || segment.empty) continue;
      records.push(...segment.read(start, this.durableEnd, limit - records.length));
      if (records.length >= limit) break;
    }
    return records;
  }

  /**
   * Applies the topic's policy: retention by age and size, or compaction; then bounds memory.
   * `handledBelow` is the lowest position of the groups consuming: the memory-only log drops
   * records beyond its budget only once they were handled, publishers wait instead (see the bus).
   */
  maintain(handledBelow: number): void {
    const { policy } = this.options;
    // Not while records wait for their sync: a key's older record must stay until its newer one is on disk.
    const superseded = this.latest && this.pending.length === 0 ? this.count - this.latest.size : 0;
    if (superseded > this.options.compactionThreshold && superseded >= this.latest!.size) this.compact();
    const cutoff = policy.retention.ms === undefined ? -Infinity : this.options.now() - policy.retention.ms;
    if (this.durable) {
      if (!policy.compacted) this.applyRetention(cutoff, policy.retention.bytes ?? Infinity);
      const start = this.start;
      for (let first = this.tail.first(); first && (first.offset < start || (this.tail.bytes > this.options.cacheBytes && first.offset < this.durableEnd)); first = this.tail.first()) this.tail.dropFirst();
      const idle = Date.now() - 60_000;
      for (const segment of this.segments.slice(0, -1)) if (segment.usedAt < idle) segment.release();
      return;
    }
    const maxBytes = policy.compacted ? Infinity : (policy.retention.bytes ?? Infinity);
    for (let first = this.tail.first(); first; first = this.tail.first()) {
      const expired = !policy.compacted && (first.timestamp < cutoff || this.tail.bytes > maxBytes);
      const overBudget = this.tail.bytes > this.options.memoryBytes && first.offset < handledBelow;
      if (!expired && !overBudget) break;
      this.tail.dropFirst();
      this.count--;
    }
  }

  close(): void {
    for (const segment of this.segments) segment.release();
  }

  private active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  private rollIfDue(bytes: number, nextBase: number): void {
    const active = this.active();
    if (active.empty) return;
    if (active.size + bytes <= this.options.segmentBytes && this.options.now() - active.createdAt < this.segmentMs) return;
    this.roll(nextBase);
  }

  private roll(nextBase: number): void {
    const active = this.active();
    active.writeSummary();
    active.release();
    this.segments.push(Segment.create(this.options.directory!, nextBase, this.options.now()));
  }

  /** Deletes whole segments, oldest first, never the one being written. */
  private applyRetention(cutoff: number, maxBytes: number): void {
    let total = this.segments.reduce((sum, segment) => sum + segment.size, 0);
    while (this.segments.length > 1 && (this.segments[0].lastTimestamp < cutoff || total > maxBytes)) {
      const [oldest] = this.segments.splice(0, 1);
      total -= oldest.size;
      oldest.remove();
    }
  }

  private compact(): void {
    const latest = this.latest!;
    const keep = (record: StoredRecord) => latest.get(record.key) === record.offset;
    if (this.durable) {
      // Appends after this point go to a fresh segment; everything before it is rewritten.
      if (!this.active().empty) this.roll(this.nextOffset);
      const closed = this.segments.slice(0, -1);
      const compacted = compactSegments(this.options.directory!, closed, keep);
      this.segments = [...(compacted ? [compacted] : []), this.active()];
    }
    this.tail.keepOnly(keep);
    this.count = latest.size;
    this.options.logger?.debug({ topic: this.options.topic, records: latest.size }, 'compacted the topic to the latest record per key');
  }

  private openDirectory(directory: string): void {
    mkdirSync(directory, { recursive: true });
    recoverCompaction(directory);
    const files = readdirSync(directory).filter((name) => /^\d{20}\.log$/.test(name)).sort();
    const latest = this.latest;
    files.forEach((name, i) => {
      const last = i === files.length - 1;
      const { segment, scan } = Segment.open(join(directory, name), Number(name.slice(0, 20)), {
        recover: last,
        visit: latest
          ? (record) => {
              latest.set(record.key, record.offset);
              this.count++;
            }
          : undefined,
      });
      if (scan.stop !== 'end') {
        this.options.logger?.warn({ topic: this.options.topic, segment: name, keptBytes: scan.end, damage: scan.stop }, 'cut off the torn end of the bus log (a write a crash interrupted; it was never acknowledged)');
      }
      this.segments.push(segment);
    });
    for (const name of readdirSync(directory)) if (name.endsWith('.tmp')) rmSync(join(directory, name), { force: true });
    const last = this.segments[this.segments.length - 1];
    this.nextOffset = last ? last.end : 0;
    this.durableEnd = this.nextOffset;
    if (!last) this.segments.push(Segment.create(directory, 0, this.options.now()));
    if (latest && this.count > latest.size) this.compact();
  }
}

