import type { PartitionLog } from './partition-log.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: publishes arriving within `windowMs` of each other, or while the previous sync is
 * running, share one write and one fsync per log. A publish resolves once its log's flush has
 * synced, so nothing is acknowledged that a crash could lose.
 */
export class GroupCommit {
  private waiting = new Map<PartitionLog, Waiter[]>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly windowMs: number,
    /** Called with the logs whose records became visible, so their consumers can be woken. */
    private readonly onDurable: (logs: PartitionLog[]) => void,
  ) {}

  /** Resolves once everything appended to `log` so far is on disk. */
  durable(log: PartitionLog): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(log);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(log, [{ resolve, reject }]);
      this.schedule();
    });
  }

  /** Flushes what is waiting now; resolves when it is on disk. */
  async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    if (this.waiting.size > 0) await this.run();
  }

  private schedule(): void {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.windowMs);
  }

  private async run(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    const flushing = Promise.allSettled([...batch.keys()].map((log) => log.flush()));
    this.running = flushing.then(() => undefined);
    const results = await flushing;
    this.running = null;
    // Consumers are woken and the policy applied before publishers hear back.
    this.onDurable([...batch.keys()]);
    [...batch.values()].forEach((waiters, i) => {
      const result = results[i];
      for (const waiter of waiters) {
        if (result.status === 'fulfilled') waiter.resolve();
        else waiter.reject(result.reason);
      }
    });
    // Publishes that arrived during the sync have waited long enough: flush them now.
    if (this.waiting.size > 0) void this.run();
  }
}
