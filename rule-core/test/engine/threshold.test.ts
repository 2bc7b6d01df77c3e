import { describe, expect, it } from 'vitest';
import { AlertSchema, type Alert, type Reading } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { AIR_STATION, MINUTE, PM25_RULE, T0, readingAt, ruleSet } from '../../../test-support/readings.js';

/** Feeds readings (minute, pm25) in order; returns every alert change. */
function feed(engine: RuleEngine, series: Array<[minute: number, pm25: number]>): Alert[] {
  return series.flatMap(([minute, pm25]) => engine.onReading(readingAt(minute, { pm25 })));
}

describe('threshold rule', () => {
  it('opens only once the breach has held for forSeconds of device time', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    expect(feed(engine, [[0, 160], [1, 170], [2, 165], [3, 180], [4, 182]])).toEqual([]);

    const [opened] = engine.onReading(readingAt(5, { pm25: 182 }));
    expect(opened).toMatchObject({ state: 'open', lastChange: 'opened', severity: 'warning', value: 182, openedAt: T0 + 5 * MINUTE });
    expect(opened.evidence).toMatchObject({ value: 182, limit: 150, warning: 150, critical: 250, hysteresis: 10, forSeconds: 300, since: T0, ruleId: 'pm25', ruleVersion: 1 });
    expect(() => AlertSchema.parse(opened)).not.toThrow();
  });

  it('measures the duration in device time, however fast the readings arrive', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    // A backlog of 100 readings spanning 4 min 57 s of device time, delivered at once.
    const burst = Array.from({ length: 100 }, (_, i): [number, number] => [i * 0.05, 200]);
    expect(feed(engine, burst)).toEqual([]);
    expect(engine.onReading(readingAt(5, { pm25: 200 }))).toHaveLength(1);
  });

  it('starts the duration again when the value falls back below the limit minus hysteresis', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const changes = feed(engine, [[0, 160], [3, 139], [4, 160], [8, 160]]);
    expect(changes).toEqual([]);
    expect(engine.onReading(readingAt(9, { pm25: 160 }))).toHaveLength(1);
  });

  it('does not flap while the value wanders around the limit inside the hysteresis band', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    feed(engine, [[0, 160], [5, 160]]);
    const wandering = feed(engine, [[6, 145], [7, 151], [8, 141], [9, 155], [10, 149], [11, 144]]);
    expect(wandering).toEqual([]);
    expect(engine.openAlerts()).toHaveLength(1);
  });

  it('escalates to critical once the critical breach has held for forSeconds, and deescalates', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const [opened] = feed(engine, [[0, 160], [5, 170]]);
    expect(feed(engine, [[6, 260], [8, 270], [10, 265]])).toEqual([]);

    const [escalated] = engine.onReading(readingAt(11, { pm25: 280 }));
    expect(escalated).toMatchObject({ id: opened.id, severity: 'critical', lastChange: 'escalated', state: 'open', value: 280, openedAt: opened.openedAt });
    expect(escalated.evidence).toMatchObject({ limit: 250, level: 'critical' });

    // Critical clears only below 250 − 10.
    expect(feed(engine, [[12, 245]])).toEqual([]);
    const [deescalated] = engine.onReading(readingAt(13, { pm25: 200 }));
    expect(deescalated).toMatchObject({ id: opened.id, severity: 'warning', lastChange: 'deescalated', value: 200 });
  });

  it('opens critical at once when the value has been above critical for the whole duration', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const [opened] = feed(engine, [[0, 300], [5, 300]]);
    expect(opened).toMatchObject({ severity: 'critical', lastChange: 'opened' });
  });

  it('resolves by itself once the value is back below the limit minus hysteresis', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const [opened] = feed(engine, [[0, 160], [5, 160]]);
    expect(feed(engine, [[6, 141]])).toEqual([]);

    const [resolved] = engine.onReading(readingAt(7, { pm25: 120 }));
    expect(resolved).toMatchObject({ id: opened.id, state: 'resolved', lastChange: 'resolved', resolvedBy: 'system', resolvedAt: T0 + 7 * MINUTE, value: 120 });
    expect(engine.openAlerts()).toEqual([]);
  });

  it('mirrors limits and hysteresis for direction "below"', () => {
    const engine = new RuleEngine(
      ruleSet([{ ...PM25_RULE, id: 'do-low', metric: 'dissolvedOxygen', direction: 'below', warning: 5, critical: 4, hysteresis: 0.2, forSeconds: 0 }]),
    );
    const water = { ...AIR_STATION, kind: 'surface-water-station' as const };
    const at = (minute: number, dissolvedOxygen: number) => engine.onReading(readingAt(minute, { dissolvedOxygen }, water));

    expect(at(0, 5)).toEqual([]);
    expect(at(1, 4.9)[0]).toMatchObject({ severity: 'warning', lastChange: 'opened' });
    expect(at(2, 5.1)).toEqual([]);
    expect(at(3, 3.9)[0]).toMatchObject({ severity: 'critical', lastChange: 'escalated' });
    expect(at(4, 4.1)).toEqual([]);
    expect(at(5, 4.3)[0]).toMatchObject({ severity: 'warning', lastChange: 'deescalated' });
    expect(at(6, 5.3)[0]).toMatchObject({ state: 'resolved' });
  });

  it('says in Vietnamese and English what was measured, where, and which limit it crossed', () => {
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const [opened] = feed(engine, [[0, 182], [5, 182]]);
    expect(opened.message).toEqual({
      vi: 'Bụi PM2.5 tại trạm AQ-HK-01 (Phường Hoàn Kiếm) là 182 µg/m³, vượt ngưỡng cảnh báo 150 µg/m³',
      en: 'PM2.5 at station AQ-HK-01 (Phường Hoàn Kiếm) is 182 µg/m³, above the warning limit 150 µg/m³',
    });
  });

  it('ignores readings that do not carry the rule metric', () => {
    const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
    expect(engine.onReading(readingAt(0, { pm25: 300 }))).toHaveLength(1);
    expect(engine.onReading(readingAt(1, { no2: 20 }))).toEqual([]);
    expect(engine.openAlerts()).toHaveLength(1);
  });
});

describe('one alert per rule and device', () => {
  it('keeps a flood of breaching readings to exactly one open alert', () => {
    const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
    const changes = Array.from({ length: 1000 }, (_, i) => engine.onReading(readingAt(i / 10, { pm25: 200 }))).flat();
    expect(changes).toHaveLength(1);
    expect(engine.openAlerts()).toHaveLength(1);
    expect(engine.openAlerts()[0].key).toBe('test/pm25|AQ-HK-01');
  });

  it('gives a redelivered reading the same alert id and no second alert', () => {
    const series: Reading[] = [0, 1, 2, 3, 4, 5, 6].map((minute) => readingAt(minute, { pm25: 200 }));
    const engine = new RuleEngine(ruleSet([PM25_RULE]));
    const first = series.flatMap((reading) => engine.onReading(reading));
    expect(first).toHaveLength(1);

    // The batch is delivered again after a failure downstream.
    expect(series.flatMap((reading) => engine.onReading(reading))).toEqual([]);

    // A restarted processor replaying the same readings derives the same id.
    const restarted = new RuleEngine(ruleSet([PM25_RULE]));
    const replayed = series.flatMap((reading) => restarted.onReading(reading));
    expect(replayed.map((alert) => alert.id)).toEqual([first[0].id]);
  });

  it('evaluates a device again after it restarts counting from seq 0', () => {
    const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
    engine.onReading(readingAt(10, { pm25: 100 }));
    const rebooted = { ...readingAt(11, { pm25: 300 }), seq: 0 };
    expect(engine.onReading(rebooted)).toHaveLength(1);
  });
});
