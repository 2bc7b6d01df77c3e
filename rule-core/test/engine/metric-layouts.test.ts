import { describe, expect, it } from 'vitest';
import type { Alert, Reading } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { PM25_RULE, readingAt, ruleSet } from '../../../test-support/readings.js';

const RANGE = { id: 'env-range', version: 1, type: 'physical-range', domain: 'environment', name: { vi: 'Dữ liệu', en: 'Data' } } as const;
const NO2 = { ...PM25_RULE, id: 'no2', metric: 'no2', warning: 200, critical: 400, forSeconds: 0 } as const;
const PM25 = { ...PM25_RULE, forSeconds: 0 };

const summary = (changes: readonly Alert[]) => changes.map((alert) => `${alert.ruleId} ${alert.state} ${alert.severity} ${alert.value}`);

/** The same values with their keys in `order`, decoded from JSON as the bus delivers them. */
function decoded(metrics: Record<string, number>, order: string[]): Reading['metrics'] {
  return JSON.parse(JSON.stringify(Object.fromEntries(order.map((name) => [name, metrics[name]])))) as Reading['metrics'];
}

describe('readings whatever the order and set of their keys', () => {
  it('evaluate alike in any key order, with keys that are not metrics, and past the layouts the engine compiles', () => {
    const engine = new RuleEngine(ruleSet([PM25, NO2, RANGE]));
    const orders = [['pm25', 'no2'], ['no2', 'pm25'], ['no2', 'vendorFlag', 'pm25']];
    // 70 more layouts (a spare key of its own each) than the engine compiles readers for.
    for (let i = 0; i < 70; i++) orders.push(['pm25', `spare${i}`, 'no2']);
    const seen = orders.map((order, i) => {
      const metrics = { pm25: 100 + (i % 2) * 200, no2: i % 3 === 0 ? 300 : 50, vendorFlag: 1, ...Object.fromEntries(order.filter((name) => name.startsWith('spare')).map((name) => [name, 7])) };
      return summary(engine.onReading(readingAt(i, decoded(metrics, order))));
    });
    const expected = new RuleEngine(ruleSet([PM25, NO2, RANGE]));
    const plain = orders.map((_, i) => summary(expected.onReading(readingAt(i, { pm25: 100 + (i % 2) * 200, no2: i % 3 === 0 ? 300 : 50 }))));
    expect(seen).toEqual(plain);
    expect(seen.flat().length).toBeGreaterThan(100);
  });

  it('reports the first out-of-range metric in the order the device sent them', () => {
    for (const order of [['pm10', 'no2', 'pm25'], ['no2', 'pm10', 'pm25']]) {
      const engine = new RuleEngine(ruleSet([RANGE]));
      const [opened] = engine.onReading(readingAt(0, decoded({ pm10: 5000, no2: -3, pm25: 20 }, order)));
      expect(opened.evidence.metric).toBe(order[0]);
    }
  });
});
