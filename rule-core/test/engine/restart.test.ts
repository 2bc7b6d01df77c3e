import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, resolveAlert, type Alert } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { MINUTE, PM25_RULE, T0, readingAt, ruleSet } from '../../../test-support/readings.js';

/** What `ioc.alerts` holds after an engine opened a PM2.5 alert from minute 0 to 5. */
function alertsOnTheBus(): Alert[] {
  const before = new RuleEngine(ruleSet([PM25_RULE]));
  return [0, 1, 2, 3, 4, 5].flatMap((minute) => before.onReading(readingAt(minute, { pm25: 200 })));
}

describe('an engine restarted from the alerts on the bus', () => {
  it('continues the open alert when redelivered readings breach again, instead of opening a second one', () => {
    const [opened] = alertsOnTheBus();
    const restarted = new RuleEngine(ruleSet([PM25_RULE]));
    restarted.applyAlert(opened);

    const redelivered = [0, 1, 2, 3, 4, 5, 6].flatMap((minute) => restarted.onReading(readingAt(minute, { pm25: 200 })));
    expect(redelivered).toEqual([]);
    expect(restarted.openAlerts()).toEqual([opened]);

    const [resolved] = restarted.onReading(readingAt(7, { pm25: 40 }));
    expect(resolved).toMatchObject({ id: opened.id, state: 'resolved', lastChange: 'resolved' });
  });

  it('escalates the continued alert once the critical level has held for the minimum duration', () => {
    const [opened] = alertsOnTheBus();
    const restarted = new RuleEngine(ruleSet([PM25_RULE]));
    restarted.applyAlert(acknowledgeAlert(opened, 'operator.an', T0 + 6 * MINUTE, 'crew on the way'));

    const changes = [6, 7, 8, 9, 10, 11].flatMap((minute) => restarted.onReading(readingAt(minute, { pm25: 300 })));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ id: opened.id, lastChange: 'escalated', severity: 'critical', state: 'acknowledged' });
  });

  it('opens a new alert when the one on the bus was resolved before the restart', () => {
    const [opened] = alertsOnTheBus();
    const restarted = new RuleEngine(ruleSet([PM25_RULE]));
    restarted.applyAlert(opened);
    restarted.applyAlert(resolveAlert(opened, 'operator.an', T0 + 6 * MINUTE, 'sensor cleaned'));

    const changes = [10, 15].flatMap((minute) => restarted.onReading(readingAt(minute, { pm25: 200 })));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ lastChange: 'opened', openedAt: T0 + 15 * MINUTE });
    expect(changes[0].id).not.toBe(opened.id);
  });

  it('leaves a running tracker in charge when an old snapshot of its key arrives', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const [opened] = [0, 5].flatMap((minute) => engine.onReading(readingAt(minute, { pm25: 200 })));
    const [resolved] = engine.onReading(readingAt(6, { pm25: 40 }));
    expect(resolved.state).toBe('resolved');

    engine.applyAlert(opened);
    expect(engine.openAlerts()).toEqual([]);
    const [reopened] = [7, 12].flatMap((minute) => engine.onReading(readingAt(minute, { pm25: 200 })));
    expect(reopened).toMatchObject({ lastChange: 'opened', openedAt: T0 + 12 * MINUTE });
  });
});
