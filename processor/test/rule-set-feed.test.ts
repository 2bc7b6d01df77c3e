import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type RuleSetRecord } from '../../contracts/src/index.js';
import { InProcessBus, createLogger } from '../../platform/src/index.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { AlertPublisher } from '../src/alert-publisher.js';
import { createProcessorMetrics } from '../src/metrics.js';
import { Outbox } from '../src/outbox.js';
import { RuleSetFeed } from '../src/rule-set-feed.js';
import { PM25_RULE, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');
const BUILT_IN = ruleSet([PM25_RULE]);

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function feedOn(bus: InProcessBus, name = 'feed') {
  const engine = new RuleEngine([]);
  const publisher = new AlertPublisher(new Outbox(bus), engine, createProcessorMetrics(new Registry()));
  const feed = new RuleSetFeed({ bus, engine, publisher, logger, groupId: `rules-${name}`, clock: Date.now });
  await feed.start(BUILT_IN);
  stop.push(() => feed.stop());
  return engine;
}

async function onBus(bus: InProcessBus): Promise<RuleSetRecord[]> {
  const records: RuleSetRecord[] = [];
  await bus.readToEnd(BUS_TOPICS.rules, async (batch) => void records.push(...batch.map((record) => record.value)));
  return records;
}

describe('rule set feed', () => {
  it('publishes the built-in set and puts it in force on a new deployment, once', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const engine = await feedOn(bus);
    expect(engine.ruleSets).toEqual([BUILT_IN]);
    await feedOn(bus, 'restarted');
    expect(await onBus(bus)).toEqual([BUILT_IN]);
  });

  it('does not bring back a built-in set the operators removed', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const removal = { id: BUILT_IN.id, removed: true as const, version: 2, removedAt: 1, removedBy: 'admin.lan' };
    await bus.publish(BUS_TOPICS.rules, [{ key: BUILT_IN.id, value: BUILT_IN }, { key: BUILT_IN.id, value: removal }]);
    const engine = await feedOn(bus);
    expect(engine.ruleSets).toEqual([]);
    expect(await onBus(bus)).toHaveLength(2);
  });

  it('skips a refused record and an older version, and applies what follows them', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const v2 = ruleSet([{ ...PM25_RULE, version: 2, warning: 120 }], 2);
    const broken = { ...v2, id: 'broken', rules: [{ ...PM25_RULE, warning: 'high' }] } as unknown as RuleSetRecord;
    const other = { ...ruleSet([PM25_RULE]), id: 'other' };
    await bus.publish(BUS_TOPICS.rules, [
      { key: v2.id, value: v2 },
      { key: 'broken', value: broken },
      { key: BUILT_IN.id, value: BUILT_IN },
      { key: other.id, value: other },
    ]);
    const engine = await feedOn(bus);
    expect(engine.ruleSets.map((set) => [set.id, set.version])).toEqual([
      ['test', 2],
      ['other', 1],
    ]);
  });
});
