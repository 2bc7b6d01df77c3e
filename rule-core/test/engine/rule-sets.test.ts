import { describe, expect, it } from 'vitest';
import { RuleSetSchema, type Alert, type RuleSet } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { defaultRuleSet } from '../../src/default-rules/index.js';
import { MINUTE, PM25_RULE, T0, readingAt } from '../../../test-support/readings.js';

/** A department's set: the default PM2.5 rule's id, with a stricter limit and no waiting. */
function departmentSet(version = 1, warning = 80): RuleSet {
  return RuleSetSchema.parse({
    id: 'so-tnmt-hanoi',
    version,
    rules: [{ ...PM25_RULE, id: 'env-air-pm25', version, deviceKinds: ['air-station'], warning, critical: 200, forSeconds: 0 }],
  });
}

function pm25From(engine: RuleEngine, minutes: number[], pm25: number): Alert[] {
  return minutes.flatMap((minute) => engine.onReading(readingAt(minute, { pm25 })));
}

describe('several rule sets in force', () => {
  it('raises an alert of each set on the same readings, the same rule id giving two alerts', () => {
    const engine = new RuleEngine([defaultRuleSet(), departmentSet()]);
    const opened = pm25From(engine, [0, 1, 2, 3, 4, 5], 180);

    expect(opened.map((alert) => [alert.ruleSetId, alert.ruleId, alert.openedAt])).toEqual([
      ['so-tnmt-hanoi', 'env-air-pm25', T0],
      ['default', 'env-air-pm25', T0 + 5 * MINUTE],
    ]);
    expect(new Set(opened.map((alert) => alert.key)).size).toBe(2);
    expect(engine.openAlerts()).toHaveLength(2);
  });

  it('raises nothing of a second set alone when only the first set’s limit is passed', () => {
    const engine = new RuleEngine([defaultRuleSet(), departmentSet()]);
    const opened = pm25From(engine, [0, 5, 10], 100);
    expect(opened.map((alert) => alert.ruleSetId)).toEqual(['so-tnmt-hanoi']);
  });

  it('puts a set beside the others rather than in their place', () => {
    const engine = new RuleEngine(defaultRuleSet());
    pm25From(engine, [0, 5], 180);
    expect(engine.putRuleSet(departmentSet(), T0 + 6 * MINUTE)).toEqual([]);
    expect(engine.ruleSets.map((set) => set.id)).toEqual(['default', 'so-tnmt-hanoi']);

    const opened = pm25From(engine, [7], 180);
    expect(opened).toMatchObject([{ ruleSetId: 'so-tnmt-hanoi', lastChange: 'opened' }]);
    expect(engine.openAlerts().map((alert) => alert.ruleSetId).sort()).toEqual(['default', 'so-tnmt-hanoi']);
  });

  it('leaves the other sets’ alerts alone when one set is updated', () => {
    const engine = new RuleEngine([defaultRuleSet(), departmentSet()]);
    pm25From(engine, [0, 1, 2, 3, 4, 5], 180);
    const before = engine.openAlerts();

    // The department relaxes its limit above the readings: its alert resolves, the default's stays.
    const changes = engine.putRuleSet(departmentSet(2, 190), T0 + 6 * MINUTE);
    expect(changes).toEqual([]);
    const resolved = pm25From(engine, [6], 180);
    expect(resolved).toMatchObject([{ ruleSetId: 'so-tnmt-hanoi', state: 'resolved' }]);
    expect(engine.openAlerts()).toEqual(before.filter((alert) => alert.ruleSetId === 'default'));
    expect(engine.ruleSetById('so-tnmt-hanoi')?.version).toBe(2);
  });

  it('resolves a removed set’s alerts with the remover and the reason, and keeps evaluating the others', () => {
    const engine = new RuleEngine([defaultRuleSet(), departmentSet()]);
    pm25From(engine, [0, 1, 2, 3, 4, 5], 180);

    const resolved = engine.removeRuleSet(
      { id: 'so-tnmt-hanoi', removed: true, version: 2, removedAt: T0 + 6 * MINUTE, removedBy: 'admin.lan', reason: 'trial ended' },
      T0 + 6 * MINUTE,
    );
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ ruleSetId: 'so-tnmt-hanoi', state: 'resolved', resolvedBy: 'admin.lan' });
    expect(resolved[0].resolveComment).toContain('trial ended');
    expect(engine.ruleSets.map((set) => set.id)).toEqual(['default']);
    expect(engine.openAlerts().map((alert) => alert.ruleSetId)).toEqual(['default']);
    // The removed set raises nothing any more; the default's alert carries on.
    expect(pm25From(engine, [7, 8, 9], 180)).toEqual([]);
  });

  it('does not continue an alert of a removed set remembered from the bus', () => {
    const first = new RuleEngine([defaultRuleSet(), departmentSet()]);
    const [opened] = pm25From(first, [0], 180);

    const restarted = new RuleEngine([defaultRuleSet(), departmentSet()]);
    restarted.applyAlert(opened);
    restarted.removeRuleSet({ id: 'so-tnmt-hanoi', removed: true, version: 2, removedAt: T0, removedBy: 'admin.lan' }, T0);
    restarted.putRuleSet(departmentSet(3), T0 + MINUTE);
    const [again] = pm25From(restarted, [1], 180);
    expect(again).toMatchObject({ ruleSetId: 'so-tnmt-hanoi', lastChange: 'opened' });
    expect(again.id).not.toBe(opened.id);
  });

  it('resolves at start-up the alerts of a removed set that the instance holding them did not resolve before it stopped', () => {
    const first = new RuleEngine([defaultRuleSet(), departmentSet()]);
    const opened = pm25From(first, [0, 1, 2, 3, 4, 5], 180);
    // That instance stopped before publishing what the removal resolved; another starts: rule
    // sets first (the set and its removal), then the alerts on the bus.
    const restarted = new RuleEngine(defaultRuleSet());
    restarted.putRuleSet(departmentSet(), T0 + 6 * MINUTE);
    restarted.removeRuleSet({ id: 'so-tnmt-hanoi', removed: true, version: 2, removedAt: T0 + 6 * MINUTE, removedBy: 'admin.lan', reason: 'trial ended' }, T0 + 6 * MINUTE);
    for (const alert of opened) restarted.applyAlert(alert);

    const resolved = restarted.resolveAlertsOfRemovedSets(T0 + 7 * MINUTE);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ id: opened[0].id, ruleSetId: 'so-tnmt-hanoi', state: 'resolved', resolvedBy: 'admin.lan' });
    expect(resolved[0].resolveComment).toContain('trial ended');
    expect(restarted.resolveAlertsOfRemovedSets(T0 + 8 * MINUTE)).toEqual([]);
    // The default set's alert is continued, not resolved.
    expect(pm25From(restarted, [6], 180)).toEqual([]);
    expect(restarted.openAlerts()).toMatchObject([{ id: opened[1].id }]);
  });

  it('refuses the same set twice', () => {
    expect(() => new RuleEngine([departmentSet(), departmentSet(2)])).toThrow(/given twice/);
  });
});
