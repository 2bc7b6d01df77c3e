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
  /** Cancels the flush scheduled to run, if any. */
  private cancelScheduled: (() => void) | null = null;
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
    this.cancelScheduled?.();
    this.cancelScheduled = null;
    while (this.running) await this.running;
    if (this.waiting.size > 0) await this.run();
  }

  private schedule(): void {
    if (this.cancelScheduled || this.running) return;
    const run = () => {
      this.cancelScheduled = null;
      void this.run();
    };
    // setTimeout(0) waits a millisecond or more; without a window, only let the current publishes finish appending.
    if (this.windowMs > 0) {
      const timer = setTimeout(run, this.windowMs);
      this.cancelScheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(run);
      this.cancelScheduled = () => clearImmediate(immediate);
    }
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
