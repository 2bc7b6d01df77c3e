import { BUS_TOPICS } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Subscription } from '../../platform/src/index.js';
import type { RuleEngine } from '../../rule-core/src/index.js';
import type { AlertPublisher } from './alert-publisher.js';
import type { AlertRefresh } from './alert-refresh.js';
import type { ProcessorMetrics } from './metrics.js';

export interface AlertFeedOptions {
  bus: Bus;
  engine: RuleEngine;
  publisher: AlertPublisher;
  refresh: AlertRefresh;
  metrics: ProcessorMetrics;
  /** This instance's own group: every instance reads every alert change. */
  groupId: string;
  clock: () => number;
}

/**
 * `ioc.alerts` into the engine: the alerts still open (raised before a restart, or by the
 * instance that had a partition before), and operators' acknowledgements and resolutions. Read
 * to its end before telemetry, so a redelivered or continuing breach finds its alert rather than
 * opening a second one.
 */
export class AlertFeed {
  private subscription: Subscription | undefined;

  constructor(private readonly options: AlertFeedOptions) {}

  /**
   * Follows the topic, then reads it to its end; subscribed first, so no change falls in between.
   * Then resolves the alerts of rule sets removed while no processor held them (read in the
   * rule-set phase before this one).
   */
  async start(): Promise<void> {
    const { bus, engine, publisher, groupId, clock } = this.options;
    this.subscription = await bus.consume(BUS_TOPICS.alerts, { groupId }, this.onAlerts);
    await bus.readToEnd(BUS_TOPICS.alerts, this.onAlerts);
    publisher.add(engine.resolveAlertsOfRemovedSets(clock()));
    await publisher.deliverPending();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  private readonly onAlerts = (records: DeliveredRecord<typeof BUS_TOPICS.alerts>[]): Promise<void> => {
    const { engine, publisher, refresh, metrics } = this.options;
    for (const record of records) {
      engine.applyAlert(record.value);
      publisher.noteOnBus(record.value);
      refresh.noteOnBus(record.value, record.timestamp);
    }
    metrics.alertsOpen.set(engine.openAlertCount);
    return Promise.resolve();
  };
}
