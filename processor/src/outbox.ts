import { BUS_TOPICS, type Alert } from '../../contracts/src/index.js';
import type { Bus } from '../../platform/src/bus/index.js';

/** Runs jobs one at a time in call order, so two publishes never interleave. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Alert changes the processor owes the bus. The engine reports a change once (a redelivered
 * reading changes nothing), so a change stays here until the bus has acknowledged it: a failed
 * publish is retried with the next batch or timer tick instead of being lost. The store gets the
 * changes from `ioc.alerts` (see store-writer.ts), so alerting never waits for it.
 */
export class Outbox {
  private unpublished: Alert[] = [];
  private readonly publishing = new Serial();

  constructor(private readonly bus: Bus) {}

  add(alerts: readonly Alert[]) {
    for (const alert of alerts) this.unpublished.push(alert);
  }

  get pending(): boolean {
    return this.unpublished.length > 0;
  }

  /** Publishes every change not yet on the bus, keyed by alert key so one alert's snapshots stay in order; returns them. */
  publish(): Promise<readonly Alert[]> {
    return this.publishing.run(async () => {
      const alerts = this.unpublished;
      if (alerts.length === 0) return alerts;
      this.unpublished = [];
      try {
        await this.bus.publish(
          BUS_TOPICS.alerts,
          alerts.map((alert) => ({ key: alert.key, value: alert })),
        );
      } catch (error) {
        this.unpublished = alerts.concat(this.unpublished);
        throw error;
      }
      return alerts;
    });
  }
}
