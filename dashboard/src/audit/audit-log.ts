import { randomUUID } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditEntrySchema, BUS_TOPICS, type AuditEntry } from '../../../contracts/src/index.js';
import type { Bus } from '../../../platform/src/index.js';
import type { Logger } from '../../../platform/src/index.js';

/** An entry to record; `id` and `at` are filled in when absent. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'> & Partial<Pick<AuditEntry, 'id' | 'at'>>;

export interface AuditLogOptions {
  /** NDJSON file the entries are appended to; its folder is created. */
  path: string;
  bus: Bus;
  logger?: Logger;
  now?: () => number;
  /** Entries kept in memory for `recent()`; at start they are read back from the end of the file. */
  recentLimit?: number;
}

/** How much of an existing file is read back at start to refill `recent()`. */
const TAIL_BYTES = 512 * 1024;

/**
 * The record of who did what, when and why. Each entry is appended to a file as one JSON line and
 * flushed to disk before `record` resolves (so a request is answered only once its entry is
 * durable), then published on `ioc.audit` for other consumers. Concurrent entries share one
 * write and one flush.
 */
export class AuditLog {
  private readonly recentEntries: AuditEntry[] = [];
  private readonly queue: Array<{ line: string; done: (error?: unknown) => void }> = [];
  private flushing?: Promise<void>;

  private constructor(
    private readonly file: FileHandle,
    private readonly options: AuditLogOptions & { recentLimit: number; now: () => number },
  ) {}

  static async open(options: AuditLogOptions): Promise<AuditLog> {
    await mkdir(dirname(options.path), { recursive: true });
    const file = await open(options.path, 'a+');
    const log = new AuditLog(file, { recentLimit: 1000, now: Date.now, ...options });
    await log.readTail();
    return log;
  }

  /** Validates the entry, makes it durable in the file, publishes it; resolves with the stored entry. */
  async record(input: AuditRecord): Promise<AuditEntry> {
    const entry = AuditEntrySchema.parse({ ...input, id: input.id ?? randomUUID(), at: input.at ?? this.options.now() });
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(entry)}\n`, done: (error) => (error ? reject(error) : resolve()) });
      this.flushing ??= this.flush();
    });
    this.remember(entry);
    await this.options.bus.publish(BUS_TOPICS.audit, [{ key: entry.id, value: entry }]);
    return entry;
  }

  /** The newest entries first. */
  recent(limit: number): AuditEntry[] {
    return this.recentEntries.slice(-limit).reverse();
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.file.close();
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.file.appendFile(batch.map((item) => item.line).join(''), 'utf8');
        await this.file.datasync();
        batch.forEach((item) => item.done());
      } catch (error) {
        this.options.logger?.error({ err: error, path: this.options.path }, 'audit entries could not be written');
        batch.forEach((item) => item.done(error));
      }
    }
    this.flushing = undefined;
  }

  private remember(entry: AuditEntry) {
    this.recentEntries.push(entry);
    if (this.recentEntries.length > this.options.recentLimit) this.recentEntries.splice(0, this.recentEntries.length - this.options.recentLimit);
  }

  private async readTail() {
    const { size } = await this.file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await this.file.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n');
    // A read that starts mid-file starts mid-line: the first piece is not a whole entry.
    if (start > 0) lines.shift();
    for (const line of lines) {
      if (!line.trim()) continue;
      const parsed = AuditEntrySchema.safeParse(safeJson(line));
      if (parsed.success) this.remember(parsed.data);
      else this.options.logger?.warn({ path: this.options.path }, 'skipped an audit line that is not a valid entry');
    }
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
