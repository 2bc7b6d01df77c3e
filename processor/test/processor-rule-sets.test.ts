import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, RuleSetSchema, type Alert, type Reading, type RuleSetRemoval } from '../../contracts/src/index.js';
import { InProcessBus, createLogger } from '../../platform/src/index.js';
import { startProcessor } from '../src/processor.js';
import { PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');

/** The built-in set: PM2.5 above 150 at once. */
const BUILT_IN = ruleSet([{ ...PM25_RULE, forSeconds: 0 }]);
/** A department's set beside it: NO₂ above 200 at once. */
const DEPARTMENT = RuleSetSchema.parse({
  id: 'so-tnmt',
  version: 1,
  rules: [{ ...PM25_RULE, id: 'no2-high', metric: 'no2', warning: 200, critical: 400, name: { vi: 'NO₂ cao', en: 'High NO₂' }, forSeconds: 0 }],
});

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

async function start(bus = new InProcessBus({ retryDelayMs: 10, logger }), alerts: Alert[] = []) {
  if (alerts.length === 0) await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => void alerts.push(...records.map((record) => record.value)));
  const processor = await startProcessor({ bus, logger, registry: new Registry(), builtInRuleSet: BUILT_IN, tickIntervalMs: 50 });
  stop.push(() => bus.close(), () => processor.close());
  const send = (readings: Reading[]) => bus.publish(BUS_TOPICS.telemetry, readings.map((reading) => ({ key: reading.deviceId, value: reading })));
  const publishRules = (value: typeof DEPARTMENT | RuleSetRemoval) => bus.publish(BUS_TOPICS.rules, [{ key: value.id, value }]);
  return { bus, processor, alerts, send, publishRules };
}

describe('processor with several rule sets in force', () => {
  it('evaluates a department\'s set beside the built-in one, and both raise alerts', async () => {
    const { processor, alerts, send, publishRules } = await start();
    await publishRules(DEPARTMENT);
    await until('the department\'s set is in force', () => processor.engine.ruleSetById(DEPARTMENT.id) !== undefined);

    await send([readingAt(0, { pm25: 190, no2: 250 })]);
    await until('two alerts are published', () => alerts.length === 2);

    expect(alerts.map((alert) => [alert.ruleSetId, alert.ruleId, alert.lastChange]).sort()).toEqual([
      ['so-tnmt', 'no2-high', 'opened'],
      ['test', 'pm25', 'opened'],
    ]);
    expect(processor.engine.ruleSets.map((set) => set.id)).toEqual(['test', 'so-tnmt']);
  });

  it('resolves the alerts of a removed set with the reason given, and leaves the other set\'s alerts open', async () => {
    const { processor, alerts, send, publishRules } = await start();
    await publishRules(DEPARTMENT);
    await until('the department\'s set is in force', () => processor.engine.ruleSetById(DEPARTMENT.id) !== undefined);
    await send([readingAt(0, { pm25: 190, no2: 250 })]);
    await until('two alerts are published', () => alerts.length === 2);

    const removal: RuleSetRemoval = { id: DEPARTMENT.id, removed: true, version: 2, removedAt: Date.now(), removedBy: 'admin.lan', reason: 'replaced by the province-wide set' };
    await publishRules(removal);
    await until('the department\'s alert is resolved', () => alerts.length === 3);

    expect(alerts[2]).toMatchObject({ ruleSetId: 'so-tnmt', ruleId: 'no2-high', state: 'resolved', resolvedBy: 'admin.lan' });
    expect(alerts[2].resolveComment).toContain('replaced by the province-wide set');
    expect(processor.engine.openAlerts().map((alert) => alert.ruleId)).toEqual(['pm25']);

    // Out of force: NO₂ raises nothing more, PM2.5 still does.
    await send([readingAt(1, { pm25: 40, no2: 500 }), readingAt(2, { pm25: 40, no2: 500 })]);
    await until('the PM2.5 alert resolves', () => alerts.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alerts.slice(3).map((alert) => [alert.ruleId, alert.lastChange])).toEqual([['pm25', 'resolved']]);
  });

  it('resolves at start the alerts of a set removed while no processor was running', async () => {
    const { bus, processor, alerts, send, publishRules } = await start();
    await publishRules(DEPARTMENT);
    await until('the department\'s set is in force', () => processor.engine.ruleSetById(DEPARTMENT.id) !== undefined);
    await send([readingAt(0, { pm25: 40, no2: 250 })]);
    await until('the NO₂ alert is published', () => alerts.length === 1);
    await processor.close();

    await publishRules({ id: DEPARTMENT.id, removed: true, version: 2, removedAt: Date.now(), removedBy: 'admin.lan', reason: 'merged into the defaults' });
    await start(bus, alerts);
    await until('the NO₂ alert is resolved', () => alerts.length === 2);
    expect(alerts[1]).toMatchObject({ id: alerts[0].id, state: 'resolved', resolvedBy: 'admin.lan' });
    expect(alerts[1].resolveComment).toContain('merged into the defaults');
  });
});
