import { BUS_TOPICS, RuleSetRecordSchema, isRuleSetRemoval, type Alert, type RuleSet, type RuleSetRecord } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Logger, Subscription } from '../../platform/src/index.js';
import { summarizeIssues } from '../../platform/src/index.js';
import type { RuleEngine } from '../../rule-core/src/index.js';
import type { AlertPublisher } from './alert-publisher.js';

export interface RuleSetFeedOptions {
  bus: Bus;
  engine: RuleEngine;
  publisher: AlertPublisher;
  logger: Logger;
  /** This instance's own group: every instance runs every rule set. */
  groupId: string;
  clock: () => number;
}

/**
 * `ioc.rules` into the engine. The topic holds, per rule-set id, its versions and perhaps its
 * removal (compacted: the latest record per id); every set on it not removed is in force. A
 * version no newer than the one applied is skipped, so reading the topic again changes nothing.
 */
export class RuleSetFeed {
  private subscription: Subscription | undefined;
  /** The latest version applied of each rule set, its removal included. */
  private readonly versions = new Map<string, number>();

  constructor(private readonly options: RuleSetFeedOptions) {}

  /**
   * Follows the topic, reads it to its end, and when it holds no rule set at all (a new
   * deployment) publishes `builtIn` and puts it in force, so the environment department can see
   * and change it (GET/PUT /api/rule-sets) and every processor runs the same rules.
   */
  async start(builtIn: RuleSet): Promise<void> {
    const { bus, groupId, logger } = this.options;
    // Subscribed first, so no change falls between the end read here and the live feed.
    this.subscription = await bus.consume(BUS_TOPICS.rules, { groupId, fromBeginning: true }, this.onRules);
    await bus.readToEnd(BUS_TOPICS.rules, this.onRules);
    if (this.versions.size > 0) return;
    await bus.publish(BUS_TOPICS.rules, [{ key: builtIn.id, value: builtIn }]);
    this.apply(builtIn);
    await this.options.publisher.deliverPending();
    logger.info({ ruleSet: builtIn.id, version: builtIn.version }, 'no rule set on the bus yet; published the built-in one');
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  private readonly onRules = async (records: DeliveredRecord<typeof BUS_TOPICS.rules>[]): Promise<void> => {
    for (const record of records) {
      const parsed = RuleSetRecordSchema.safeParse(record.value);
      if (!parsed.success) {
        // Skipped rather than retried: a refused set would block every later one.
        this.options.logger.error({ key: record.key, offset: record.offset, issues: summarizeIssues(parsed.error.issues) }, 'rule set refused; keeping the current rules');
        continue;
      }
      this.apply(parsed.data);
    }
    await this.options.publisher.deliverPending();
  };

  private apply(record: RuleSetRecord): void {
    const { engine, publisher, logger, clock } = this.options;
    if (record.version <= (this.versions.get(record.id) ?? 0)) return;
    this.versions.set(record.id, record.version);
    let changes: readonly Alert[];
    if (isRuleSetRemoval(record)) {
      changes = engine.removeRuleSet(record, clock());
      logger.info({ ruleSet: record.id, version: record.version, by: record.removedBy, reason: record.reason, resolved: changes.length }, 'rule set removed');
    } else {
      changes = engine.putRuleSet(record, clock());
      logger.info({ ruleSet: record.id, version: record.version, rules: record.rules.length }, 'rule set in force');
    }
    publisher.add(changes);
  }
}
