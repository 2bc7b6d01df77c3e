import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from './segment.js';

/** Per group and topic: the next offset to handle and when it was committed. */
type Offsets = Record<string, Record<string, { offset: number; at: number }>>;

/** Like Kafka's offsets.retention.minutes: a group gone this long is forgotten (processor groups are per instance). */
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;

/**
 * The next offset each consumer group is to handle, per topic (the embedded bus has one partition
 * per topic). Commits are in memory at once; on disk they are written every so often and at a
 * clean close (a new file, synced, renamed over the old), so after a crash a group resumes from
 * its last saved position and gets what it handled since then again: at-least-once.
 */
export class OffsetStore {
  private offsets: Offsets = {};
  private dirty = false;
  private saving: Promise<void> | null = null;

  constructor(
    private readonly directory: string | undefined,
    private readonly now: () => number,
  ) {
    if (!directory) return;
    try {
      this.offsets = JSON.parse(readFileSync(this.path(), 'utf8')) as Offsets;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const forgotten = now() - FORGET_AFTER_MS;
    for (const [group, topics] of Object.entries(this.offsets)) {
      if (Object.values(topics).every(({ at }) => at < forgotten)) delete this.offsets[group];
    }
  }

  get(group: string, topic: string): number | undefined {
    return this.offsets[group]?.[topic]?.offset;
  }

  commit(group: string, topic: string, offset: number): void {
    (this.offsets[group] ??= {})[topic] = { offset, at: this.now() };
    this.dirty = true;
  }

  /** Writes the commits made since the last save; one save at a time. */
  async save(): Promise<void> {
    if (!this.directory) return;
    while (this.saving) await this.saving;
    if (!this.dirty) return;
    this.dirty = false;
    this.saving = this.write(JSON.stringify(this.offsets)).finally(() => {
      this.saving = null;
    });
    await this.saving;
  }

  private async write(content: string): Promise<void> {
    const temporary = `${this.path()}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(content);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path());
    syncDirectory(this.directory!);
  }

  private path(): string {
    return join(this.directory!, 'offsets.json');
  }
}
