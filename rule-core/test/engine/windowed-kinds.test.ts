import { describe, expect, it } from 'vitest';
import { AlertSchema, type Alert, type CameraEvent, type Reading, type RuleSetInput } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { AIR_STATION, MINUTE, T0, readingAt, ruleSet } from '../../../test-support/readings.js';

type RuleInput = RuleSetInput['rules'][number];
const HOUR = 60 * MINUTE;
const base = { version: 1, name: { vi: 'Quy tắc', en: 'Rule' } } as const;

const RESERVOIR: Pick<Reading, 'deviceId' | 'domain' | 'kind' | 'siteId' | 'ward'> = {
  deviceId: 'HO-PHU-NINH',
  domain: 'reservoir',
  kind: 'reservoir-station',
  siteId: 'HO-PHU-NINH',
  ward: 'Xã Phú Ninh',
};

function engineWith(...rules: RuleInput[]): RuleEngine {
  return new RuleEngine(ruleSet(rules));
}

/** Feeds one reading a `stepMinutes` with the value `valueAt(i)`; returns every alert change. */
function series(engine: RuleEngine, count: number, valueAt: (i: number) => Reading['metrics'], stepMinutes = 1, place = AIR_STATION, from = 0): Alert[] {
  const changes: Alert[] = [];
  for (let i = from; i < from + count; i++) changes.push(...engine.onReading(readingAt(i * stepMinutes, valueAt(i), place)));
  return changes;
}

/** A repeatable wobble in [−1, 1]. */
const wobble = (i: number) => Math.sin(i * 1.7) * 0.6 + Math.sin(i * 0.31) * 0.4;

describe('anomaly rule', () => {
  const pm25Anomaly: RuleInput = {
    ...base,
    id: 'pm25-anomaly',
    type: 'anomaly',
    domain: 'environment',
    metric: 'pm25',
    method: 'ewma',
    halfLifeSeconds: 3 * 3600,
    threshold: 6,
    clearScore: 2,
    warmupReadings: 30,
  };

  it('stays silent during the warm-up, however odd the readings', () => {
    const engine = engineWith(pm25Anomaly);
    expect(series(engine, 29, (i) => ({ pm25: i === 20 ? 500 : 40 + 5 * wobble(i) }))).toEqual([]);
  });

  it('opens on a reading far from the baseline with its evidence, and clears only below clearScore', () => {
    const engine = engineWith({ ...pm25Anomaly, method: 'median-mad', windowSeconds: 86400 });
    expect(series(engine, 120, (i) => ({ pm25: 40 + 5 * wobble(i) }))).toEqual([]);
    const [opened] = engine.onReading(readingAt(120, { pm25: 120 }));
    expect(opened).toMatchObject({ ruleType: 'anomaly', state: 'open', value: 120, severity: 'warning' });
    expect(opened.evidence).toMatchObject({ method: 'median-mad', value: 120, threshold: 6, clearScore: 2, ruleId: 'pm25-anomaly' });
    expect(opened.evidence.expected as number).toBeCloseTo(40, -1);
    expect(opened.message.en).toMatch(/^PM2\.5 at station AQ-HK-01 \(Phường Hoàn Kiếm\) is 120 µg\/m³, unusually high for this device \(usually \d+(\.\d+)? ± \d+(\.\d+)? µg\/m³\)$/);
    expect(opened.message.vi).toContain('cao bất thường');
    expect(() => AlertSchema.parse(opened)).not.toThrow();
    // Still well above the baseline but under the opening score: hysteresis keeps it open.
    const std = opened.evidence.scale as number;
    const mean = opened.evidence.expected as number;
    expect(engine.onReading(readingAt(121, { pm25: mean + 4 * std }))).toEqual([]);
    const [resolved] = engine.onReading(readingAt(122, { pm25: 40 }));
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'system' });
  });

  it('keeps the learned baseline across a new rule-set version, and starts over when the parameters change', () => {
    const warmed = () => {
      const engine = engineWith(pm25Anomaly);
      series(engine, 60, (i) => ({ pm25: 40 + 5 * wobble(i) }));
      return engine;
    };
    const renamed = warmed();
    renamed.putRuleSet(ruleSet([{ ...pm25Anomaly, version: 2, name: { vi: 'Bụi bất thường', en: 'Unusual dust' } }], 2), T0 + 60 * MINUTE);
    expect(renamed.onReading(readingAt(60, { pm25: 150 }))).toHaveLength(1);
    const retuned = warmed();
    retuned.putRuleSet(ruleSet([{ ...pm25Anomaly, version: 2, threshold: 7 }], 2), T0 + 60 * MINUTE);
    expect(retuned.onReading(readingAt(60, { pm25: 150 }))).toEqual([]);
  });

  it('compares with the same hour of earlier days when seasonal', () => {
    // Busy at 08:00 local (01:00 UTC), quiet at 03:00 local: 800 vehicles is normal at 08:00 only.
    const traffic = { ...base, id: 'traffic-anomaly', type: 'anomaly', domain: 'traffic', metric: 'vehicleCount', method: 'ewma', halfLifeSeconds: 7 * 86400, seasonality: 'hour-of-day', threshold: 5, clearScore: 2, warmupReadings: 5 } as const;
    const counter = { deviceId: 'TC-01', domain: 'traffic', kind: 'traffic-counter', siteId: 'TC-01', ward: 'Phường Hoàn Kiếm' } as const;
    const seasonal = engineWith(traffic);
    const plain = engineWith({ ...traffic, seasonality: 'none' });
    const day0 = Date.UTC(2025, 5, 1);
    const changes: Record<string, Alert[]> = { seasonal: [], plain: [] };
    for (let day = 0; day < 10; day++) {
      for (let hour = 0; hour < 24; hour++) {
        for (let quarter = 0; quarter < 4; quarter++) {
          const ts = day0 + (day * 24 + hour) * HOUR + quarter * 15 * MINUTE;
          const localHour = (hour + 7) % 24;
          const busy = localHour >= 7 && localHour <= 9;
          const value = (busy ? 800 : 100) + 20 * wobble(day * 96 + hour * 4 + quarter);
          const reading: Reading = { ...counter, ts, seq: day * 96 + hour * 4 + quarter, receivedAt: ts, metrics: { vehicleCount: value } };
          changes.seasonal.push(...seasonal.onReading(reading));
          changes.plain.push(...plain.onReading(reading));
        }
      }
    }
    expect(changes.seasonal.filter((a) => a.state === 'open')).toEqual([]);
    expect(changes.plain.filter((a) => a.state === 'open').length).toBeGreaterThan(0);
    // An evening rush where there never is one stands out for the seasonal rule.
    const ts = day0 + 10 * 24 * HOUR + 13 * HOUR; // 20:00 local
    const [opened] = seasonal.onReading({ ...counter, ts, seq: 10_000, receivedAt: ts, metrics: { vehicleCount: 800 } });
    expect(opened).toMatchObject({ state: 'open', evidence: { seasonality: 'hour-of-day', bucket: 20 } });
    expect(opened.message.en).toContain('at 20:00');
  });
});

describe('rate-of-change rule', () => {
  const rising: RuleInput = {
    ...base,
    id: 'reservoir-rising',
    type: 'rate-of-change',
    domain: 'reservoir',
    metric: 'waterLevel',
    maxRisePerMinute: 0.3 / 60,
    windowSeconds: 3600,
  };

  it('alerts on a reservoir rising faster than 30 cm an hour and resolves when it slows', () => {
    const engine = engineWith(rising);
    expect(series(engine, 120, (i) => ({ waterLevel: 30 + 0.001 * i + 0.005 * wobble(i) }), 1, RESERVOIR)).toEqual([]);
    const rise = series(engine, 60, (i) => ({ waterLevel: 30.12 + 0.01 * (i - 120) }), 1, RESERVOIR, 120);
    expect(rise).toHaveLength(1);
    expect(rise[0]).toMatchObject({ ruleType: 'rate-of-change', state: 'open' });
    expect(rise[0].evidence.ratePerHour as number).toBeGreaterThan(0.3);
    expect(rise[0].message.en).toMatch(/is rising fast: [\d.]+ m per hour, faster than the allowed 0\.3 m per hour/);
    const calm = series(engine, 120, () => ({ waterLevel: 30.7 }), 1, RESERVOIR, 180);
    expect(calm.map((a) => a.state)).toEqual(['resolved']);
  });

  it('does not judge a rate before the readings span half the window', () => {
    const engine = engineWith(rising);
    expect(series(engine, 20, (i) => ({ waterLevel: 30 + 0.05 * i }), 1, RESERVOIR)).toEqual([]);
  });
});

describe('flatline rule', () => {
  const stuck: RuleInput = { ...base, id: 'pm25-stuck', type: 'flatline', domain: 'environment', metric: 'pm25', tolerance: 0, minReadings: 30 };

  it('flags a sensor that froze after varying, and resolves when it moves', () => {
    const engine = engineWith(stuck);
    expect(series(engine, 20, (i) => ({ pm25: 40 + i }))).toEqual([]);
    const frozen = series(engine, 40, () => ({ pm25: 59 }), 1, AIR_STATION, 20);
    expect(frozen).toHaveLength(1);
    expect(frozen[0]).toMatchObject({ state: 'open', evidence: { flatReadings: 30, min: 59, max: 59 } });
    expect(frozen[0].message.en).toContain('the sensor may be stuck');
    expect(series(engine, 1, () => ({ pm25: 61 }), 1, AIR_STATION, 60).map((a) => a.state)).toEqual(['resolved']);
  });

  it('leaves alone a metric that never varied', () => {
    expect(series(engineWith(stuck), 100, () => ({ pm25: 12 }))).toEqual([]);
  });
});

describe('physical-range rule', () => {
  const range: RuleInput = { ...base, id: 'env-range', type: 'physical-range', domain: 'environment' };
  const anomaly: RuleInput = { ...base, id: 'ph-anomaly', type: 'anomaly', domain: 'environment', metric: 'ph', method: 'median-mad', windowSeconds: 86400, warmupReadings: 10, threshold: 5, clearScore: 2 };
  const phHigh: RuleInput = { ...base, id: 'ph-high', type: 'threshold', domain: 'environment', metric: 'ph', direction: 'above', warning: 8.5 };
  const river = { deviceId: 'SW-01', domain: 'environment', kind: 'surface-water-station', siteId: 'SW-01', ward: 'Phường Hồng Hà' } as const;

  it('raises a data-quality alert and keeps the value away from every other rule', () => {
    const engine = engineWith(range, anomaly, phHigh);
    expect(series(engine, 50, (i) => ({ ph: 7 + 0.1 * wobble(i) }), 1, river)).toEqual([]);
    const [opened, ...others] = engine.onReading(readingAt(50, { ph: 15 }, river));
    expect(others).toEqual([]);
    expect(opened).toMatchObject({ ruleId: 'env-range', ruleType: 'physical-range', evidence: { metric: 'ph', value: 15, min: 0, max: 14, dataQuality: true } });
    expect(opened.message.en).toContain('pH reads 15, outside what the sensor can measure (0 – 14)');
    // Had 15 entered the window, the anomaly rule's median and spread would have moved; the
    // next ordinary reading is still ordinary and the data-quality alert resolves.
    const next = engine.onReading(readingAt(51, { ph: 7.05 }, river));
    expect(next.map((a) => [a.ruleId, a.state])).toEqual([['env-range', 'resolved']]);
  });

  it('uses the rule\'s overrides as the device\'s ranges', () => {
    const narrowed: RuleInput = { ...range, overrides: { ph: { min: 2, max: 12 } } };
    const engine = engineWith(narrowed, phHigh);
    const changes = engine.onReading(readingAt(0, { ph: 13 }, river));
    expect(changes.map((a) => a.ruleId)).toEqual(['env-range']);
  });
});

describe('time-of-day threshold rule', () => {
  const noise: RuleInput = {
    ...base,
    id: 'noise-qcvn26',
    type: 'time-of-day-threshold',
    domain: 'environment',
    metric: 'noise',
    direction: 'above',
    periods: [
      { from: '06:00', to: '21:00', warning: 70 },
      { from: '21:00', to: '06:00', warning: 55 },
    ],
  };
  /** Minutes after T0 (03:00 UTC = 10:00 local) of a local time on T0's day or the next. */
  const local = (hour: number, minute = 0) => ((hour - 10 + 24) % 24) * 60 + minute;

  it('applies the day limit by day and the night limit at night, in Vietnam time', () => {
    const engine = engineWith(noise);
    expect(engine.onReading(readingAt(local(20, 59), { noise: 65 }))).toEqual([]);
    const [opened] = engine.onReading(readingAt(local(21, 0), { noise: 65 }));
    expect(opened).toMatchObject({ state: 'open', evidence: { limit: 55, localTime: '21:00', timezone: 'Asia/Ho_Chi_Minh' } });
    expect(opened.message.en).toBe('Noise at station AQ-HK-01 (Phường Hoàn Kiếm) is 65 dBA at 21:00 local time, above the warning limit 55 dBA for this time of day');
    const [resolved] = engine.onReading(readingAt(local(6, 0), { noise: 65 }));
    expect(resolved).toMatchObject({ state: 'resolved' });
  });
});

describe('missing-data rule', () => {
  const silence: RuleInput = { ...base, id: 'silent', type: 'missing-data', domain: 'environment', intervalMultiplier: 3, minIntervalSeconds: 120, startupGraceSeconds: 600 };

  /** One reading a minute for `minutes` minutes from `from`, ticking each minute as the processor's timer would. */
  function run(engine: RuleEngine, from: number, minutes: number, speaks: (minute: number) => boolean): Alert[] {
    const changes: Alert[] = [];
    for (let minute = from; minute < from + minutes; minute++) {
      if (speaks(minute)) changes.push(...engine.onReading(readingAt(minute, { pm25: 30 })));
      changes.push(...engine.tick(T0 + minute * MINUTE + 30_000));
    }
    return changes;
  }

  it('raises one alert per silent device once it misses k × its learned interval, resolved when it speaks', () => {
    const engine = engineWith(silence);
    const changes = run(engine, 0, 60, (minute) => minute < 30 || minute >= 50);
    expect(changes.map((a) => a.state)).toEqual(['open', 'resolved']);
    const [opened, resolved] = changes;
    // Last reading at minute 29 (received 0.5 s later); overdue after max(3 × 1 min, 2 min).
    expect(opened.openedAt).toBe(T0 + 32 * MINUTE + 30_000);
    expect(opened.evidence).toMatchObject({ usualIntervalSeconds: 60, intervalMultiplier: 3 });
    expect(opened.message.en).toMatch(/^No data at station AQ-HK-01 \(Phường Hoàn Kiếm\): nothing received for 3 minutes \(it usually reports every 1 minutes\)$/);
    expect(resolved.resolvedAt).toBe(T0 + 50 * MINUTE);
  });

  it('does not flag anyone at start-up or while a restarted processor catches up', () => {
    const before = engineWith(silence);
    run(before, 0, 60, () => true);
    // The processor was down for two hours; the new one replays the backlog quickly while the
    // wall clock is already two hours on: within the grace period, nobody is silent.
    const restarted = engineWith(silence);
    const now = T0 + 180 * MINUTE;
    const changes: Alert[] = [];
    for (let minute = 60; minute < 180; minute++) {
      changes.push(...restarted.onReading(readingAt(minute, { pm25: 30 })));
      if (minute % 10 === 0) changes.push(...restarted.tick(now + (minute - 60) * 1000));
    }
    expect(changes).toEqual([]);
    // Caught up; the device then really goes quiet, and that is flagged after the grace period.
    expect(restarted.tick(now + 9 * MINUTE)).toEqual([]);
    expect(restarted.tick(now + 11 * MINUTE).map((a) => a.ruleId)).toEqual(['silent']);
  });
});

describe('camera event count rule', () => {
  const intrusions: RuleInput = {
    ...base,
    id: 'camera-intrusion',
    type: 'camera-event-count',
    domain: 'traffic',
    eventTypes: ['intrusion'],
    minCount: 3,
    windowSeconds: 600,
    clearAfterSeconds: 900,
  };
  const camera = { deviceId: 'CAM-01', domain: 'traffic', kind: 'camera', siteId: 'DEPOT-1', ward: 'Phường Hoàn Kiếm' } as const;
  let seq = 0;
  const event = (minute: number, eventType: CameraEvent['eventType'] = 'intrusion', deviceId: string = camera.deviceId): CameraEvent => ({
    ...camera,
    deviceId,
    ts: T0 + minute * MINUTE,
    seq: seq++,
    receivedAt: T0 + minute * MINUTE,
    eventId: `e${seq}`,
    eventType,
    confidence: 0.9,
    count: 1,
  });

  it('opens at the third intrusion within 10 minutes and clears once they stop for 15 minutes', () => {
    const engine = engineWith(intrusions);
    expect(engine.onCameraEvent(event(0))).toEqual([]);
    expect(engine.onCameraEvent(event(4, 'crowd'))).toEqual([]);
    expect(engine.onCameraEvent(event(5))).toEqual([]);
    const [opened] = engine.onCameraEvent(event(9));
    expect(opened).toMatchObject({ ruleType: 'camera-event-count', deviceId: 'CAM-01', evidence: { eventsInWindow: 3, minCount: 3 } });
    expect(opened.message.en).toBe('Cameras at station DEPOT-1 (Phường Hoàn Kiếm), device CAM-01, recorded 3 intrusion events within 10 minutes (limit 3)');
    // A single recurrence later keeps the same alert open.
    expect(engine.onCameraEvent(event(20))).toEqual([]);
    expect(engine.tick(T0 + 34 * MINUTE)).toEqual([]);
    expect(engine.tick(T0 + 35 * MINUTE).map((a) => a.state)).toEqual(['resolved']);
  });

  it('does not count a redelivered event twice', () => {
    const engine = engineWith(intrusions);
    const first = event(0);
    engine.onCameraEvent(first);
    engine.onCameraEvent(first);
    expect(engine.onCameraEvent(event(1))).toEqual([]);
    expect(engine.onCameraEvent(event(2))).toHaveLength(1);
  });

  it('counts the events of every camera of a site together when grouped by site', () => {
    const engine = engineWith({ ...intrusions, groupBy: 'site' });
    engine.onCameraEvent(event(0, 'intrusion', 'CAM-01'));
    engine.onCameraEvent(event(1, 'intrusion', 'CAM-02'));
    const [opened] = engine.onCameraEvent(event(2, 'intrusion', 'CAM-03'));
    expect(opened).toMatchObject({ deviceId: 'DEPOT-1', siteId: 'DEPOT-1', key: 'test/camera-intrusion|DEPOT-1' });
  });
});
