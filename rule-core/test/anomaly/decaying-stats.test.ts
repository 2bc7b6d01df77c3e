import { describe, expect, it } from 'vitest';
import { DecayingStats } from '../../src/anomaly/decaying-stats.js';
import { SeasonalBaseline } from '../../src/anomaly/seasonal-baseline.js';
import { gaussian, seededRandom } from './seeded-random.js';

const HOUR = 3_600_000;

describe('DecayingStats', () => {
  it('is the plain mean and population variance of simultaneous readings', () => {
    const stats = new DecayingStats(HOUR);
    [2, 4, 4, 4, 5, 5, 7, 9].forEach((v) => stats.push(1000, v));
    expect(stats.mean).toBeCloseTo(5, 12);
    expect(stats.variance).toBeCloseTo(4, 12);
    expect(stats.std).toBeCloseTo(2, 12);
  });

  it('halves the weight of a reading every half-life', () => {
    const stats = new DecayingStats(HOUR);
    stats.push(0, 10);
    stats.push(HOUR, 40);
    // weights 0.5 and 1: mean = (0.5 × 10 + 40) / 1.5
    expect(stats.mean).toBeCloseTo(30, 12);
    expect(stats.effectiveReadings).toBeCloseTo(1.5, 12);
    // weighted variance = (0.5 × 20² + 1 × 10²) / 1.5
    expect(stats.variance).toBeCloseTo(200, 9);
  });

  it('weighs by time, not by reading count: a gap makes old readings count less', () => {
    const regular = new DecayingStats(HOUR);
    const afterGap = new DecayingStats(HOUR);
    for (let i = 0; i < 60; i++) {
      regular.push(i * 60_000, 10);
      afterGap.push(i * 60_000, 10);
    }
    regular.push(61 * 60_000, 20);
    afterGap.push(61 * 60_000 + 10 * HOUR, 20);
    expect(regular.mean).toBeLessThan(11);
    expect(afterGap.mean).toBeGreaterThan(19.5);
  });

  it('tracks a noisy series without drifting', () => {
    const normal = gaussian(seededRandom(5));
    const stats = new DecayingStats(24 * HOUR);
    for (let i = 0; i < 20_000; i++) stats.push(i * 60_000, 1e6 + 3 * normal());
    expect(stats.mean).toBeCloseTo(1e6, 0);
    expect(stats.std).toBeGreaterThan(2.8);
    expect(stats.std).toBeLessThan(3.2);
  });

  it('is NaN before the first reading and has no spread after one', () => {
    const stats = new DecayingStats(HOUR);
    expect(stats.mean).toBeNaN();
    stats.push(0, 3);
    expect(stats.mean).toBe(3);
    expect(stats.variance).toBe(0);
  });
});

describe('SeasonalBaseline', () => {
  it('keeps one baseline per local hour of the day', () => {
    const baseline = new SeasonalBaseline('hour-of-day', 7 * 24 * HOUR);
    const day0 = Date.parse('2024-03-11T00:00:00+07:00');
    for (let day = 0; day < 7; day++) {
      for (let hour = 0; hour < 24; hour++) {
        const busy = hour >= 7 && hour < 9 ? 900 : 100;
        baseline.push(day0 + day * 24 * HOUR + hour * HOUR + 30 * 60_000, busy);
      }
    }
    const nextMorning = day0 + 7 * 24 * HOUR + 8 * HOUR;
    expect(baseline.bucketOf(nextMorning)).toBe(8);
    expect(baseline.at(nextMorning)?.mean).toBeCloseTo(900, 9);
    expect(baseline.at(nextMorning + 12 * HOUR)?.mean).toBeCloseTo(100, 9);
    expect(baseline.at(nextMorning)?.count).toBe(7);
  });

  it('tells weekdays from the weekend with hour-of-week', () => {
    const baseline = new SeasonalBaseline('hour-of-week', 28 * 24 * HOUR);
    const monday = Date.parse('2024-03-11T08:00:00+07:00');
    const saturday = Date.parse('2024-03-16T08:00:00+07:00');
    baseline.push(monday, 900);
    baseline.push(saturday, 200);
    expect(baseline.at(monday + 7 * 24 * HOUR)?.mean).toBe(900);
    expect(baseline.at(saturday + 7 * 24 * HOUR)?.mean).toBe(200);
    expect(baseline.at(monday + 24 * HOUR)).toBeUndefined();
  });
});
