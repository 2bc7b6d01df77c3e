import { BUS_TOPICS } from '../../contracts/src/index.js';
import type { Bus, Logger } from '../../platform/src/index.js';
import type { RuleEngine } from '../../rule-core/src/index.js';
import type { AlertPublisher } from './alert-publisher.js';
import type { AlertRefresh } from './alert-refresh.js';

/** How often the unresolved alerts are checked for a record on the bus about to age out. */
const REFRESH_CHECK_INTERVAL_MS = 3_600_000;

export interface TimersOptions {
  bus: Bus;
  engine: RuleEngine;
  publisher: AlertPublisher;
  refresh: AlertRefresh;
  /** Checkpoints what the instance learned. */
  checkpoint: () => Promise<void>;
  logger: Logger;
  clock: () => number;
  /** How often time-driven rules (missing data) run. */
  tickIntervalMs: number;
  /** How often what the instance learned is checkpointed. */
  checkpointIntervalMs: number;
}

/**
 * What the processor does by the clock rather than per record: the time-driven rules, writing
 * long-unresolved alerts again before `ioc.alerts` ages them out (alert-refresh.ts), and the
 * checkpoints. A run still going when the next is due is not started twice.
 */
export class Timers {
  private tickTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private checkpointing = false;
  private refreshCheckedAt = -Infinity;

  constructor(private readonly options: TimersOptions) {}

  start(): void {
    this.tickTimer = setInterval(() => void this.tick(), this.options.tickIntervalMs);
    this.tickTimer.unref();
    this.checkpointTimer = setInterval(() => void this.checkpoint(), this.options.checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  stop(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.checkpointTimer);
    this.tickTimer = this.checkpointTimer = undefined;
  }

  /** Checkpoints, unless the last round is still waiting (for a slow bus): rounds do not pile up. */
  private async checkpoint(): Promise<void> {
    if (this.checkpointing) return;
    this.checkpointing = true;
    try {
      await this.options.checkpoint();
    } finally {
      this.checkpointing = false;
    }
  }

  /** Runs the time-driven rules and delivers what they and earlier failed publishes owe the bus. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    const { bus, engine, publisher, refresh, logger, clock } = this.options;
    this.ticking = true;
    try {
      const now = clock();
      publisher.add(engine.tick(now));
      await publisher.deliverPending();
      if (now - this.refreshCheckedAt >= REFRESH_CHECK_INTERVAL_MS) {
        const due = refresh.due(engine.openAlerts(), now);
        if (due.length > 0) await bus.publish(BUS_TOPICS.alerts, due.map((alert) => ({ key: alert.key, value: alert })));
        for (const alert of due) refresh.noteOnBus(alert, now);
        this.refreshCheckedAt = now;
      }
    } catch (error) {
      logger.warn({ err: error }, 'alert changes not delivered yet; retrying on the next tick');
    } finally {
      this.ticking = false;
    }
  }
}
