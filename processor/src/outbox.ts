import { BUS_TOPICS, type Alert } from '../../contracts/src/index.js';
import type { Bus } from '../../platform/src/index.js';

/** Runs jobs one at a time in call order, so two publishes never interleave. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Alert ids whose latest snapshot on the bus is remembered, at most; the oldest noted are forgotten first. */
const REMEMBERED_ALERTS = 100_000;

/**
 * Alert changes the processor owes the bus. The engine reports a change once (a redelivered
 * reading changes nothing), so a change stays here until the bus has acknowledged it: a failed
 * publish is retried with the next batch or timer tick instead of being lost. The store gets the
 * changes from `ioc.alerts` (see store-writer.ts), so alerting never waits for it.
 *
 * A restarted processor, or one given a partition another had, evaluates again the readings
 * after the last committed offset. Alert ids are deterministic, so the changes those readings
 * cause are the ones already on the bus, with the same id and time; an alert that opened and
 * resolved there would be announced to operators a second time. A change no newer than the
 * latest snapshot of its alert on the bus (`noteOnBus`) is therefore not published again.
 */
export class Outbox {
  private unpublished: Alert[] = [];
  private readonly publishing = new Serial();
  /** The newest `updatedAt` on the bus, by alert id. */
  private readonly onBus = new Map<string, number>();

  constructor(private readonly bus: Bus) {}

  add(alerts: readonly Alert[]) {
    for (const alert of alerts) {
      if (alert.updatedAt <= (this.onBus.get(alert.id) ?? -Infinity)) continue;
      this.unpublished.push(alert);
    }
  }

  /** Notes a snapshot read from `ioc.alerts`: this processor's, another instance's or an operator's. */
  noteOnBus(alert: Alert) {
    const known = this.onBus.get(alert.id);
    if (known !== undefined && known >= alert.updatedAt) return;
    // Re-inserted, so the map's order is that of the latest change and the oldest go first.
    this.onBus.delete(alert.id);
    this.onBus.set(alert.id, alert.updatedAt);
    if (this.onBus.size > REMEMBERED_ALERTS) this.onBus.delete(this.onBus.keys().next().value!);
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
