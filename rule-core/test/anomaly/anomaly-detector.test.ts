import { describe, expect, it } from 'vitest';
import { AnomalyDetector, type AnomalyParameters } from '../../src/anomaly/anomaly-detector.js';
import { gaussian, seededRandom } from './seeded-random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const t0 = Date.parse('2024-03-11T00:00:00+07:00');

function detector(overrides: Partial<AnomalyParameters>): AnomalyDetector {
  return new AnomalyDetector({
    method: 'median-mad',
    windowSeconds: DAY / 1000,
    direction: 'both',
    threshold: 6,
    clearScore: 3,
    warmupReadings: 30,
    warmupSeconds: 0,
    seasonality: 'none',
    minDeviation: 0,
    ...overrides,
  });
}

/** Feeds 9, 10, 11, … one a minute: median 10, MAD 1, robust scale 1.4826. */
function feedSteady(d: AnomalyDetector, readings: number, start = t0): number {
  for (let i = 0; i < readings; i++) d.observe(start + i * MINUTE, 9 + (i % 3));
  return start + readings * MINUTE;
}

describe('AnomalyDetector', () => {
  it('says nothing during the warm-up, however odd the reading', () => {
    const d = detector({ warmupReadings: 30, warmupSeconds: 3600 });
    const next = feedSteady(d, 40);
    expect(d.observe(next, 1000)).toBe('warming-up');
    expect(d.score).toBeNaN();
    const later = feedSteady(d, 30, next + MINUTE);
    expect(d.observe(later, 10)).toBe('normal');
  });

  it('flags a spike with a robust z-score and shows what it was compared with', () => {
    const d = detector({});
    const next = feedSteady(d, 90);
    expect(d.observe(next, 20)).toBe('anomalous');
    const evidence = d.evidence();
    expect(evidence.expected).toBe(10);
    expect(evidence.scale).toBeCloseTo(1.4826, 10);
    expect(evidence.score).toBeCloseTo(10 / 1.4826, 10);
    expect(evidence.baselineReadings).toBe(90);
    expect(evidence).toMatchObject({ method: 'median-mad', seasonality: 'none', value: 20, threshold: 6, clearScore: 3 });
  });

  it('stays anomalous until the score falls below clearScore (hysteresis)', () => {
    const d = detector({});
    let next = feedSteady(d, 90);
    expect(d.observe(next, 20)).toBe('anomalous');
    expect(d.observe((next += MINUTE), 16)).toBe('anomalous'); // score ≈ 4: between clearScore and threshold
    expect(d.observe((next += MINUTE), 15)).toBe('anomalous');
    expect(d.observe((next += MINUTE), 13)).toBe('normal'); // score ≈ 2
    expect(d.observe((next += MINUTE), 16)).toBe('normal'); // ≈ 4 again, but below threshold: stays clear
  });

  it('needs a deviation of at least minDeviation, so a flat series does not fire on noise', () => {
    const flat = detector({ minDeviation: 2 });
    let next = t0;
    for (let i = 0; i < 60; i++) flat.observe((next += MINUTE), 7);
    expect(flat.observe((next += MINUTE), 8)).toBe('normal');
    expect(flat.score).toBe(3); // 1 / max(MAD 0, 2 / 6)
    expect(flat.observe((next += MINUTE), 9.5)).toBe('anomalous');

    const unfloored = detector({});
    next = t0;
    for (let i = 0; i < 60; i++) unfloored.observe((next += MINUTE), 7);
    expect(unfloored.observe((next += MINUTE), 7.01)).toBe('anomalous');
    expect(Number.isFinite(unfloored.score)).toBe(true);
  });

  it('looks one way only when told a direction', () => {
    const d = detector({ direction: 'above' });
    const next = feedSteady(d, 90);
    expect(d.observe(next, 0)).toBe('normal');
    expect(d.score).toBeLessThan(-6);
    expect(d.observe(next + MINUTE, 20)).toBe('anomalous');
  });

  it('scores against an exponentially weighted mean and variance with method ewma', () => {
    const normal = gaussian(seededRandom(21));
    const d = detector({ method: 'ewma', windowSeconds: undefined, halfLifeSeconds: 6 * 3600 });
    let next = t0;
    let falseAlarms = 0;
    for (let i = 0; i < 2000; i++) if (d.observe((next += MINUTE), 50 + 2 * normal()) === 'anomalous') falseAlarms++;
    expect(falseAlarms).toBe(0);
    expect(d.observe((next += MINUTE), 80)).toBe('anomalous');
    expect(d.evidence().expected).toBeCloseTo(50, 0);
    expect(d.evidence().scale).toBeCloseTo(2, 0);
  });

  describe('seasonality', () => {
    /** Vehicles per 5 minutes at a city intersection: quiet at night, a morning rush, busy days. */
    function traffic(time: number, noise: number): number {
      const hour = new Date(time + 7 * HOUR).getUTCHours();
      const usual = hour < 6 ? 100 : hour < 7 ? 300 : hour < 9 ? 900 : hour < 20 ? 500 : 250;
      return usual + 20 * noise;
    }

    function run(d: AnomalyDetector, days: number) {
      const normal = gaussian(seededRandom(42));
      let alarms = 0;
      let time = t0;
      for (; time < t0 + days * DAY; time += 5 * MINUTE) {
        if (d.observe(time, traffic(time, normal())) === 'anomalous') alarms++;
      }
      return { alarms, time };
    }

    it('a plain window mistakes every morning rush for an anomaly', () => {
      const d = detector({ windowSeconds: 6 * 3600 });
      expect(run(d, 14).alarms).toBeGreaterThan(10);
    });

    for (const method of ['ewma', 'median-mad'] as const) {
      it(`${method}: compares with the same hour of earlier days, so only the odd hour fires`, () => {
        const d = detector({
          method,
          windowSeconds: method === 'median-mad' ? 6 * 3600 : undefined,
          halfLifeSeconds: 7 * 24 * 3600,
          seasonality: 'hour-of-day',
          warmupReadings: 24,
          warmupSeconds: 2 * 24 * 3600,
        });
        const { alarms, time } = run(d, 14);
        expect(alarms).toBe(0);
        // 03:00 on the next day with morning-rush traffic.
        const threeAm = time + 3 * HOUR;
        expect(d.observe(threeAm, 900)).toBe('anomalous');
        expect(d.evidence()).toMatchObject({ seasonality: 'hour-of-day', bucket: 3 });
        expect(d.evidence().expected).toBeCloseTo(100, -1);
      });
    }

    it('waits for each hour of the week to have its own baseline', () => {
      const d = detector({ method: 'ewma', windowSeconds: undefined, halfLifeSeconds: 28 * 24 * 3600, seasonality: 'hour-of-week', warmupReadings: 12 });
      const { time } = run(d, 6); // Monday to Saturday: Sunday's hours were never seen
      expect(d.observe(time + 3 * HOUR, 900)).toBe('warming-up');
    });
  });
});
