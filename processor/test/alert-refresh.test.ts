import { describe, expect, it } from 'vitest';
import { resolveAlert, type Alert } from '../../contracts/src/index.js';
import { AlertRefresh } from '../src/alert-refresh.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

const DAY = 86_400_000;

function openAlert(): Alert {
  const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
  return engine.onReading(readingAt(0, { pm25: 200 }))[0];
}

describe('alert refresh', () => {
  it('is due once the latest record of an unresolved alert is 30 days old, and not before', () => {
    const refresh = new AlertRefresh();
    const alert = openAlert();
    refresh.noteOnBus(alert, 0);
    expect(refresh.due([alert], 30 * DAY - 1)).toEqual([]);
    expect(refresh.due([alert], 30 * DAY)).toEqual([alert]);
    // A newer record (an acknowledgement, or the refresh itself) starts the 30 days again.
    refresh.noteOnBus(alert, 20 * DAY);
    expect(refresh.due([alert], 40 * DAY)).toEqual([]);
  });

  it('treats an alert not seen on the bus yet as just written, and forgets resolved ones', () => {
    const refresh = new AlertRefresh();
    const alert = openAlert();
    expect(refresh.due([alert], 100 * DAY)).toEqual([]);
    refresh.noteOnBus(alert, 0);
    refresh.noteOnBus(resolveAlert(alert, 'operator.an', DAY, 'fixed'), DAY);
    expect(refresh.due([alert], 100 * DAY)).toEqual([]);
  });
});
