import { BUS_TOPICS, isRuleSetRemoval, type Alert, type Reading, type RuleSet } from '../../contracts/src/index.js';
import type { Bus, Subscription } from '../../platform/src/index.js';

export interface FeedHandlers {
  alert: (alert: Alert) => void;
  reading: (reading: Reading) => void;
  ruleSet: (ruleSet: RuleSet) => void;
}

/**
 * Follows the topics the live view and rule editing need. Every dashboard instance has its own groups, since
 * each must see every record. Alerts are read from the beginning, so a restarted dashboard rebuilds
 * its alert list from the topic; that needs a group without committed offsets, hence an instance
 * id that is new at each start. Telemetry starts at the end: only current values matter.
 */
export async function followBus(bus: Bus, instanceId: string, handlers: FeedHandlers): Promise<Subscription[]> {
  const alerts = await bus.consume(BUS_TOPICS.alerts, { groupId: `dashboard-${instanceId}`, fromBeginning: true }, async (records) => {
    for (const record of records) handlers.alert(record.value);
  });
  const subscriptions = [alerts];
  try {
    subscriptions.push(
      await bus.consume(BUS_TOPICS.rules, { groupId: `dashboard-rules-${instanceId}`, fromBeginning: true }, async (records) => {
        // Removals are shown once the dashboard keeps several sets (issue 8); until then they are skipped.
        for (const record of records) if (!isRuleSetRemoval(record.value)) handlers.ruleSet(record.value);
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
