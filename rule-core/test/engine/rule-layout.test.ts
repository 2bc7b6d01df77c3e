import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { AIR_STATION, PM25_RULE, readingAt, ruleSet } from '../../../test-support/readings.js';

/** 40 PM2.5 limits, 10 µg/m³ apart from 100: more rules on one device than a machine word has bits. */
const LADDER = Array.from({ length: 40 }, (_, i) => ({ ...PM25_RULE, id: `pm25-${i}`, warning: 100 + 10 * i, critical: undefined, hysteresis: 5, forSeconds: 0 }));

const opened = (changes: readonly Alert[]) => changes.filter((alert) => alert.lastChange === 'opened').map((alert) => alert.ruleId);
const resolved = (changes: readonly Alert[]) => changes.filter((alert) => alert.state === 'resolved').map((alert) => alert.ruleId);

describe('devices with many rules', () => {
  it('opens and resolves the alerts of every rule, the 40th as the first, in rule order', () => {
    const engine = new RuleEngine(ruleSet(LADDER));
    expect(opened(engine.onReading(readingAt(0, { pm25: 505 })))).toEqual(LADDER.map((rule) => rule.id));
    expect(engine.onReading(readingAt(1, { pm25: 496 }))).toEqual([]);
    // 490 is back past the 40th limit (490) by less than the hysteresis: nothing resolves yet.
    expect(engine.onReading(readingAt(2, { pm25: 490 }))).toEqual([]);
    expect(resolved(engine.onReading(readingAt(3, { pm25: 484 })))).toEqual(['pm25-39']);
    expect(resolved(engine.onReading(readingAt(4, { pm25: 50 })))).toEqual(LADDER.slice(0, 39).map((rule) => rule.id));
    expect(engine.openAlerts()).toEqual([]);
  });

  it('keeps each rule its own memory when devices of different rules interleave', () => {
    const engine = new RuleEngine(ruleSet(LADDER));
    const other = { ...AIR_STATION, deviceId: 'AQ-HK-02', siteId: 'AQ-HK-02' };
    engine.onReading(readingAt(0, { pm25: 505 }));
    expect(opened(engine.onReading(readingAt(0, { pm25: 125 }, other)))).toEqual(['pm25-0', 'pm25-1', 'pm25-2']);
    expect(resolved(engine.onReading(readingAt(1, { pm25: 50 }, other)))).toEqual(['pm25-0', 'pm25-1', 'pm25-2']);
    expect(engine.openAlerts()).toHaveLength(40);
  });
});

describe('hysteresis across a rule set swap', () => {
  it('keeps the level of a rule whose id and type remain, so the value must still clear the band', () => {
    const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
    engine.onReading(readingAt(0, { pm25: 200 }));
    engine.putRuleSet(ruleSet([{ ...PM25_RULE, version: 2, forSeconds: 0 }, { ...PM25_RULE, id: 'pm10', metric: 'pm10', forSeconds: 0 }], 2), readingAt(0, {}).ts);
    // 145 is below the warning limit (150) but not by the hysteresis (10): still warning.
    expect(engine.onReading(readingAt(1, { pm25: 145 }))).toEqual([]);
    expect(resolved(engine.onReading(readingAt(2, { pm25: 139 })))).toEqual(['pm25']);
  });

  it('starts a rule whose type changed from no level, with a new alert', () => {
    const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
    const [first] = engine.onReading(readingAt(0, { pm25: 200 }));
    const { warning, critical, ...base } = PM25_RULE;
    const retyped = { ...base, version: 2, type: 'time-of-day-threshold' as const, periods: [{ from: '06:00', to: '22:00', warning, critical }], forSeconds: 0 };
    engine.putRuleSet(ruleSet([retyped]), readingAt(0, {}).ts);
    expect(engine.openAlerts().map((alert) => alert.id)).toEqual([first.id]);
    // From no level, 145 is simply below the limit: the alert resolves.
    expect(resolved(engine.onReading(readingAt(1, { pm25: 145 })))).toEqual(['pm25']);
  });
});
