import { storeError } from '../errors.js';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert, Reading } from '../../../contracts/src/index.js';
import type { TimeSeriesSink } from './sink.js';

export interface LocalSinkOptions {
  /** Readings, and separately alert snapshots, kept in memory; the oldest go first. */
  memoryLimit?: number;
  /**
   * When set, every reading and alert snapshot is also appended to NDJSON files there, one per
   * UTC day of device time: `readings-YYYY-MM-DD.ndjson`, `alerts-YYYY-MM-DD.ndjson`.
   */
  directory?: string;
}

/** The newest `limit` items, in arrival order. */
class Recent<T> {
  private items: T[] = [];

  constructor(private readonly limit: number) {}

  add(batch: readonly T[]) {
    for (const item of batch) this.items.push(item);
    // Trim in chunks, so a full buffer does not shift the whole array on every write.
    if (this.items.length > this.limit * 1.25) this.items = this.items.slice(-this.limit);
  }

  toArray(): T[] {
    return this.items.length > this.limit ? this.items.slice(-this.limit) : this.items.slice();
  }
}

/**
 * The embedded default's time-series sink: recent readings and alert changes in bounded memory
 * and, given a directory, appended to daily NDJSON files (readable with `jq`, importable into a
 * real store later). A write resolves once the lines are appended.
 */
export class LocalSink implements TimeSeriesSink {
  private readonly readings: Recent<Reading>;
  private readonly alerts: Recent<Alert>;
  private readonly directory?: string;
  private directoryReady?: Promise<unknown>;
  private pending = 0;
  private closed = false;

  constructor(options: LocalSinkOptions = {}) {
    const limit = options.memoryLimit ?? 10_000;
    this.readings = new Recent(limit);
    this.alerts = new Recent(limit);
    this.directory = options.directory;
  }

  async write(readings: readonly Reading[], alerts: readonly Alert[]): Promise<void> {
    const count = readings.length + alerts.length;
    if (this.closed) throw storeError('IOC_SINK_CLOSED', [String(count)]);
    this.pending += count;
    try {
      if (this.directory !== undefined) {
        await this.append('readings', readings, (reading) => reading.ts);
        await this.append('alerts', alerts, (alert) => alert.updatedAt);
      }
      this.readings.add(readings);
      this.alerts.add(alerts);
    } finally {
      this.pending -= count;
    }
  }

  backlog(): number {
    return this.pending;
  }

  /** Never: a write holds only its own lines, and resolves once they are appended. */
  isFull(): boolean {
    return false;
  }

  whenDrained(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The newest readings written, oldest first. */
  recentReadings(): Reading[] {
    return this.readings.toArray();
  }

  /** The newest alert snapshots written, oldest first. */
  recentAlerts(): Alert[] {
    return this.alerts.toArray();
  }

  private async append<T>(prefix: string, items: readonly T[], timeOf: (item: T) => number) {
    if (items.length === 0) return;
    const directory = this.directory as string;
    this.directoryReady ??= mkdir(directory, { recursive: true });
    await this.directoryReady;
    const byDay = new Map<string, string[]>();
    for (const item of items) {
      const day = new Date(timeOf(item)).toISOString().slice(0, 10);
      const lines = byDay.get(day);
      if (lines) lines.push(JSON.stringify(item));
      else byDay.set(day, [JSON.stringify(item)]);
    }
    for (const [day, lines] of byDay) await appendFile(join(directory, `${prefix}-${day}.ndjson`), `${lines.join('\n')}\n`);
  }
}
