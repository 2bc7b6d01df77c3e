import type { Alert } from '../../contracts/src/index.js';

/** `ioc.alerts` keeps 90 days (platform/src/bus/kafka/topics.ts); an unresolved alert is written again well before that. */
export const ALERT_REFRESH_AFTER_MS = 30 * 24 * 3_600_000;

/**
 * Keeps every unresolved alert on `ioc.alerts`. The topic deletes records by age rather than
 * compacting them (several writers fold their snapshots with `mergeAlert`), so an alert left
 * unresolved for longer than the retention would drop out of every rebuild: a restarted
 * dashboard would no longer list it, and a restarted processor would open a second one. The
 * processor therefore writes its unresolved alerts again once their latest record on the bus
 * is `refreshAfterMs` old. Pure bookkeeping; the snapshot written is the alert as it stands,
 * which every reader folds in as no change.
 */
export class AlertRefresh {
  /** When the bus last took a record of each unresolved alert, by alert id. */
  private readonly onBus = new Map<string, number>();

  constructor(private readonly refreshAfterMs = ALERT_REFRESH_AFTER_MS) {}

  /** Notes a record of `alert` the bus took at `timestamp` (epoch ms). */
  noteOnBus(alert: Alert, timestamp: number): void {
    if (alert.state === 'resolved') this.onBus.delete(alert.id);
    else if (timestamp > (this.onBus.get(alert.id) ?? -Infinity)) this.onBus.set(alert.id, timestamp);
  }

  /** The alerts among `open` (this instance's unresolved ones) whose latest record is too old. */
  due(open: readonly Alert[], now: number): Alert[] {
    return open.filter((alert) => now - (this.onBus.get(alert.id) ?? now) >= this.refreshAfterMs);
  }
}
