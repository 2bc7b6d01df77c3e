import { describe, expect, it } from 'vitest';
import { RateOfChange } from '../../src/anomaly/rate-of-change.js';
import { gaussian, seededRandom } from './seeded-random.js';

const MINUTE = 60_000;
const t0 = Date.parse('2024-09-10T00:00:00Z');

describe('RateOfChange', () => {
  it('measures a reservoir rising 30 cm per hour as 0.005 m per minute, both ways', () => {
    const rate = new RateOfChange(60 * MINUTE);
    for (let i = 0; i <= 24; i++) rate.push(t0 + i * 5 * MINUTE, 12 + 0.025 * i);
    expect(rate.size).toBe(13);
    expect(rate.spanMs).toBe(60 * MINUTE);
    expect(rate.slopePerMinute()).toBeCloseTo(0.005, 12);
    expect(rate.differencePerMinute()).toBeCloseTo(0.005, 12);
  });

  it('lets one noisy reading move the least-squares slope less than the end-to-end difference', () => {
    const rate = new RateOfChange(60 * MINUTE);
    for (let i = 0; i < 12; i++) rate.push(t0 + i * 5 * MINUTE, 10);
    rate.push(t0 + 60 * MINUTE, 13);
    expect(rate.differencePerMinute()).toBeCloseTo(0.05, 12);
    expect(rate.slopePerMinute()).toBeLessThan(0.02);
    expect(rate.slopePerMinute()).toBeGreaterThan(0);
  });

  it('forgets readings older than the window', () => {
    const rate = new RateOfChange(10 * MINUTE);
    for (let i = 0; i < 10; i++) rate.push(t0 + i * MINUTE, i * 100);
    for (let i = 10; i < 30; i++) rate.push(t0 + i * MINUTE, 900);
    expect(rate.size).toBe(11);
    expect(rate.slopePerMinute()).toBe(0);
    expect(rate.differencePerMinute()).toBe(0);
  });

  it('has no rate with fewer than two readings or no time between them', () => {
    const rate = new RateOfChange(10 * MINUTE);
    expect(rate.slopePerMinute()).toBeNaN();
    rate.push(t0, 1);
    expect(rate.differencePerMinute()).toBeNaN();
    rate.push(t0, 5);
    expect(rate.slopePerMinute()).toBeNaN();
    expect(rate.differencePerMinute()).toBeNaN();
  });

  it('stays exact over a long run of large values (running sums are rebuilt)', () => {
    const normal = gaussian(seededRandom(9));
    const rate = new RateOfChange(30 * MINUTE);
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      values.push(150_000 + 0.5 * i + normal());
      rate.push(t0 + i * MINUTE, values[i]);
    }
    const recent = values.slice(-31);
    const meanT = 15;
    const meanX = recent.reduce((a, b) => a + b, 0) / 31;
    let covariance = 0;
    let spread = 0;
    recent.forEach((x, t) => {
      covariance += (t - meanT) * (x - meanX);
      spread += (t - meanT) ** 2;
    });
    expect(rate.size).toBe(31);
    expect(rate.slopePerMinute()).toBeCloseTo(covariance / spread, 9);
  });
});
