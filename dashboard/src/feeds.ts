import { BUS_TOPICS, type Alert, type Reading, type RuleSetRecord } from '../../contracts/src/index.js';
import type { Bus, Subscription } from '../../platform/src/index.js';

export interface FeedHandlers {
  /** A batch of alert snapshots; when it rejects, the batch is delivered again. */
  alerts: (alerts: Alert[]) => Promise<void>;
  reading: (reading: Reading) => void;
  /** Rule-set versions and removals, in order; when it rejects, the batch is delivered again. */
  ruleSets: (records: RuleSetRecord[]) => Promise<void>;
}

/**
 * Follows the topics the live view, the record and rule editing need. Every dashboard instance
 * has its own groups, since each must see every record. Alerts and rule sets are read from the
 * beginning, so a restarted dashboard rebuilds its live alert list from the topic (the record
 * ignores what it already holds); that needs groups without committed offsets, hence an instance
 * id that is new at each start. Telemetry starts at the end: only current values matter.
 */
export async function followBus(bus: Bus, instanceId: string, handlers: FeedHandlers): Promise<Subscription[]> {
  const alerts = await bus.consume(BUS_TOPICS.alerts, { groupId: `dashboard-${instanceId}`, fromBeginning: true }, async (records) => {
    await handlers.alerts(records.map((record) => record.value));
  });
  const subscriptions = [alerts];
  try {
    subscriptions.push(
      await bus.consume(BUS_TOPICS.rules, { groupId: `dashboard-rules-${instanceId}`, fromBeginning: true }, async (records) => {
        await handlers.ruleSets(records.map((record) => record.value));
      }),
    );
    const telemetry = await bus.consume(
      BUS_TOPICS.telemetry,
      { groupId: `dashboard-telemetry-${instanceId}`, fromBeginning: false },
      async (records) => {
        for (const record of records) handlers.reading(record.value);
      },
    );
    return [...subscriptions, telemetry];
  } catch (error) {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    throw error;
  }
}
