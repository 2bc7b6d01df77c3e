import { describe, expect, it } from 'vitest';
import { RuleEngine } from '../../src/engine/index.js';
import { AIR_STATION, PM25_RULE, readingAt, ruleSet } from '../../../test-support/readings.js';

/**
 * A crash after an episode's alert was resolved on the bus but before the readings that opened
 * and resolved it were committed: the restarted processor restores a checkpoint from inside the
 * episode (before its alert) and evaluates those readings again. Found by the SIGKILL drill
 * (standalone/test/sigkill-under-load.test.ts, RELIABILITY.md): the episode opened a second
 * alert, under a new id, and resolved it at once.
 */
describe('an engine restarted after an alert was resolved on the bus', () => {
  it('opens no second alert for the episode when the uncommitted readings come again, and opens the next episode', () => {
    const before = new RuleEngine(ruleSet([PM25_RULE]));
    const onTheBus = [0, 1].flatMap((minute) => before.onReading(readingAt(minute, { pm25: 200 })));
    const checkpoint = before.checkpoint(AIR_STATION.deviceId, 0)!;
    onTheBus.push(...[2, 3, 4, 5, 6, 7].flatMap((minute) => before.onReading(readingAt(minute, { pm25: 200 }))));
    onTheBus.push(...before.onReading(readingAt(8, { pm25: 40 })));
    expect(onTheBus.map((alert) => alert.lastChange)).toEqual(['opened', 'resolved']);

    const restarted = new RuleEngine(ruleSet([PM25_RULE]));
    for (const alert of onTheBus) restarted.applyAlert(alert);
    restarted.restore(JSON.parse(JSON.stringify(checkpoint)));
    // Committed up to minute 5: minutes 6 to 8 come again.
    const again = [6, 7].flatMap((minute) => restarted.onReading(readingAt(minute, { pm25: 200 })));
    again.push(...restarted.onReading(readingAt(8, { pm25: 40 })));
    expect(again).toEqual([]);

    const next = [9, 10, 11, 12, 13, 14].flatMap((minute) => restarted.onReading(readingAt(minute, { pm25: 200 })));
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ lastChange: 'opened', openedAt: readingAt(14, {}).ts });
    expect(next[0].id).not.toBe(onTheBus[0].id);
  });

  it('does not end an alert taken over from the bus with an uncommitted reading from before it opened', () => {
    const before = new RuleEngine(ruleSet([PM25_RULE]));
    const readings = [readingAt(0, { pm25: 40 }), ...[1, 2, 3, 4, 5, 6].map((minute) => readingAt(minute, { pm25: 200 }))];
    const [opened] = readings.flatMap((reading) => before.onReading(reading));
    expect(opened).toMatchObject({ lastChange: 'opened', openedAt: readingAt(6, {}).ts });

    // Killed with nothing committed: all seven readings come again, the alert is on the bus.
    const restarted = new RuleEngine(ruleSet([PM25_RULE]));
    restarted.applyAlert(opened);
    expect(readings.flatMap((reading) => restarted.onReading(reading))).toEqual([]);
    expect(restarted.openAlerts()).toEqual([opened]);
  });
});
