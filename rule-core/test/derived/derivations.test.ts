import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/src/index.js';
import { Derivations } from '../../src/derived/derivations.js';
import { RuleEngine } from '../../src/engine/index.js';
import { defaultRuleSet } from '../../src/default-rules/index.js';
import { MINUTE, T0, readingAt } from '../../../test-support/readings.js';

const HOUR = 60 * MINUTE;

/** Feeds readings at the given minutes with one PM2.5 value each; returns every derived reading. */
function derive(derivations: Derivations, series: Array<[minute: number, pm25: number]>): Reading[] {
  return series.flatMap(([minute, pm25]) => [...derivations.add(readingAt(minute, { pm25 }))]);
}

describe('derived readings', () => {
  it('emits each hour\'s mean when the next hour begins, and VN_AQI once NowCast has two of the last three hours', () => {
    const derived = derive(new Derivations(), [[0, 90], [30, 110], [60, 100], [120, 100]]);
    expect(derived.map((r) => [r.derived, r.ts, r.metrics])).toEqual([
      ['hourly-mean', T0, { pm25: 100 }],
      ['hourly-mean', T0 + HOUR, { pm25: 100 }],
      // NowCast 100 µg/m³: PM2.5 sub-index 150 + (100 − 80)/(150 − 80) × 50 = 164.3 → 164, Xấu.
      ['vn-aqi-hourly', T0 + HOUR, { vnAqi: 164 }],
    ]);
    expect(derived[2]).toMatchObject({ deviceId: 'AQ-HK-01', siteId: 'AQ-HK-01', kind: 'air-station', seq: (T0 + HOUR) / HOUR });
  });

  it('gives no VN_AQI when two of the last three hours are missing', () => {
    const derived = derive(new Derivations(), [[0, 100], [180, 100], [360, 100]]);
    expect(derived.filter((r) => r.derived === 'vn-aqi-hourly')).toEqual([]);
  });

  it('ignores derived readings fed back to it, as the processor gets its own output back from the bus', () => {
    const derivations = new Derivations();
    const [mean] = derive(derivations, [[0, 100], [60, 100]]);
    expect(derivations.add(mean)).toEqual([]);
  });

  it('raises the default VN_AQI rule at Xấu through the engine, from raw readings alone', () => {
    const engine = new RuleEngine(defaultRuleSet());
    const derivations = new Derivations();
    const alerts = [];
    for (const minute of [0, 30, 60, 90, 120]) {
      const reading = readingAt(minute, { pm25: 100 });
      alerts.push(...engine.onReading(reading));
      for (const derived of derivations.add(reading)) alerts.push(...engine.onReading(derived));
    }
    const aqi = alerts.filter((alert) => alert.ruleId === 'env-vn-aqi');
    expect(aqi).toHaveLength(1);
    expect(aqi[0]).toMatchObject({ severity: 'warning', value: 164, metric: 'vnAqi', openedAt: T0 + HOUR });
    expect(aqi[0].message.en).toBe('VN_AQI at station AQ-HK-01 (Phường Hoàn Kiếm) is 164, above the warning limit 150');
  });
});
