import type { Alert } from '../../contracts/src/index.js';
import type { RuleEngine } from '../../rule-core/src/index.js';
import type { ProcessorMetrics } from './metrics.js';
import type { Outbox } from './outbox.js';

/** Hands the engine's alert changes to the outbox and counts what reached the bus. */
export class AlertPublisher {
  constructor(
    private readonly outbox: Outbox,
    private readonly engine: RuleEngine,
    private readonly metrics: ProcessorMetrics,
  ) {}

  add(changes: readonly Alert[]): void {
    if (changes.length > 0) this.outbox.add(changes);
  }

  /** Publishes every change not on the bus yet; rejects (and keeps them) when the bus refuses. */
  async publish(): Promise<void> {
    const published = await this.outbox.publish();
    for (const alert of published) this.metrics.alertChanges.inc({ change: alert.lastChange });
    this.metrics.alertsOpen.set(this.engine.openAlertCount);
  }

  /** As `publish`, when there is anything to publish. */
  async deliverPending(): Promise<void> {
    if (this.outbox.pending) await this.publish();
  }

  /** Notes a snapshot read from `ioc.alerts`, so a change already there is not announced again. */
  noteOnBus(alert: Alert): void {
    this.outbox.noteOnBus(alert);
  }
}
