import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, resolveAlert, type Alert } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { MINUTE, PM25_RULE, T0, readingAt, ruleSet } from '../../../test-support/readings.js';

function openPm25Alert(engine: RuleEngine): Alert {
  engine.onReading(readingAt(0, { pm25: 200 }));
  const [opened] = engine.onReading(readingAt(5, { pm25: 200 }));
  expect(opened.lastChange).toBe('opened');
  return opened;
}

describe('operator changes from the bus', () => {
  it('keeps an acknowledgement on the snapshots it publishes later', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const opened = openPm25Alert(engine);
    // The operator's wall clock is ahead of the device clock.
    engine.applyAlert(acknowledgeAlert(opened, 'operator.an', T0 + 60 * MINUTE, 'crew on the way'));

    engine.onReading(readingAt(6, { pm25: 300 }));
    const [escalated] = engine.onReading(readingAt(11, { pm25: 300 }));
    expect(escalated).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'operator.an', severity: 'critical', lastChange: 'escalated' });
    expect(escalated.updatedAt).toBeGreaterThan(T0 + 60 * MINUTE);
  });

  it('opens a new alert after the minimum duration when an operator resolves while the breach persists', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const opened = openPm25Alert(engine);
    engine.applyAlert(resolveAlert(opened, 'operator.an', T0 + 6 * MINUTE, 'checked on site'));
    expect(engine.openAlerts()).toEqual([]);

    const persisting = [7, 8, 9, 10, 11].flatMap((minute) => engine.onReading(readingAt(minute, { pm25: 200 })));
    expect(persisting).toEqual([]);
    const [reopened] = engine.onReading(readingAt(12, { pm25: 200 }));
    expect(reopened).toMatchObject({ lastChange: 'opened', state: 'open', openedAt: T0 + 12 * MINUTE });
    expect(reopened.id).not.toBe(opened.id);
  });

  it('is not disturbed by its own snapshots coming back, in any order', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const opened = openPm25Alert(engine);
    const [resolved] = engine.onReading(readingAt(6, { pm25: 50 }));
    engine.applyAlert(resolved);
    engine.applyAlert(opened);
    expect(engine.openAlerts()).toEqual([]);

    engine.onReading(readingAt(7, { pm25: 200 }));
    expect(engine.onReading(readingAt(12, { pm25: 200 }))).toHaveLength(1);
  });
});

describe('swapping the rule set', () => {
  it('keeps the open alert of a rule whose id remains, under its new limits', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const opened = openPm25Alert(engine);
    expect(engine.putRuleSet(ruleSet([{ ...PM25_RULE, version: 2, warning: 100, critical: 180 }], 2), T0 + 6 * MINUTE)).toEqual([]);

    expect(engine.onReading(readingAt(6, { pm25: 200 }))).toEqual([]);
    expect(engine.openAlerts().map((alert) => alert.id)).toEqual([opened.id]);
    const [escalated] = engine.onReading(readingAt(11, { pm25: 200 }));
    expect(escalated).toMatchObject({ id: opened.id, lastChange: 'escalated', ruleVersion: 2 });
  });

  it('resolves the alerts of a rule that was removed', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const opened = openPm25Alert(engine);
    const [resolved] = engine.putRuleSet(ruleSet([{ ...PM25_RULE, id: 'pm10', metric: 'pm10' }], 2), T0 + 6 * MINUTE);
    expect(resolved).toMatchObject({ id: opened.id, state: 'resolved', resolvedBy: 'system' });
    expect(engine.openAlerts()).toEqual([]);
  });

  it('applies a newly added rule to devices already seen', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    engine.onReading(readingAt(0, { pm25: 10, no2: 500 }));
    engine.putRuleSet(ruleSet([PM25_RULE, { ...PM25_RULE, id: 'no2', metric: 'no2', warning: 200, critical: 400, forSeconds: 0 }], 2), T0);
    expect(engine.onReading(readingAt(1, { pm25: 10, no2: 500 }))[0]).toMatchObject({ ruleId: 'no2', severity: 'critical' });
  });
});
