import { describe, expect, it } from 'vitest';
import { MAD_TO_SIGMA, RollingMedianMad } from '../../src/anomaly/median-mad.js';
import { SortedSamples } from '../../src/anomaly/sorted-samples.js';
import { TimeRing } from '../../src/anomaly/time-ring.js';
import { gaussian, seededRandom } from './seeded-random.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function mad(values: number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

describe('TimeRing', () => {
  it('keeps pairs first-in first-out while growing', () => {
    const ring = new TimeRing(100, 2);
    for (let i = 0; i < 10; i++) ring.push(i, i * 10);
    ring.shift();
    ring.shift();
    ring.push(10, 100);
    expect(ring.size).toBe(9);
    expect([ring.oldestTime, ring.oldestValue, ring.newestTime, ring.newestValue]).toEqual([2, 20, 10, 100]);
    expect(Array.from({ length: ring.size }, (_, i) => ring.valueAt(i))).toEqual([20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('drops the oldest pair once maxSize pairs are held', () => {
    const ring = new TimeRing(3);
    for (let i = 0; i < 5; i++) ring.push(i, i);
    expect(ring.size).toBe(3);
    expect(ring.oldestTime).toBe(2);
  });
});

describe('SortedSamples', () => {
  it('gives the median and MAD of what it holds through inserts, removes and replaces, as a full sort would', () => {
    const random = seededRandom(7);
    const samples = new SortedSamples(4);
    const held: number[] = [];
    for (let step = 0; step < 2000; step++) {
      const dice = random();
      if (held.length > 0 && dice < 0.3) {
        const value = held.splice(Math.floor(random() * held.length), 1)[0];
        expect(samples.remove(value)).toBe(true);
      } else if (held.length > 0 && dice < 0.6) {
        const old = held.splice(Math.floor(random() * held.length), 1)[0];
        const value = Math.round(random() * 40) / 4;
        held.push(value);
        samples.replace(old, value);
      } else {
        // Rounded values make ties common, which is where rank selection goes wrong.
        const value = Math.round(random() * 40) / 4;
        held.push(value);
        samples.insert(value);
      }
      if (held.length > 0) {
        expect(samples.median()).toBe(median(held));
        expect(samples.mad()).toBeCloseTo(mad(held), 12);
        const m = median(held);
        expect(samples.meanDeviation()).toBeCloseTo(held.reduce((sum, v) => sum + Math.abs(v - m), 0) / held.length, 9);
      }
    }
  });

  it('refuses to remove a value it does not hold', () => {
    const samples = new SortedSamples();
    samples.insert(1);
    expect(samples.remove(2)).toBe(false);
    expect(samples.size).toBe(1);
  });

  it('is NaN when empty', () => {
    expect(new SortedSamples().median()).toBeNaN();
    expect(new SortedSamples().mad()).toBeNaN();
  });
});

describe('RollingMedianMad', () => {
  it('looks back exactly windowMs and agrees with a full recomputation', () => {
    const random = seededRandom(11);
    const window = new RollingMedianMad(60_000);
    const history: [number, number][] = [];
    let time = 0;
    for (let i = 0; i < 500; i++) {
      time += 1000 + Math.floor(random() * 9000);
      const value = Math.round(random() * 100);
      window.push(time, value);
      history.push([time, value]);
      const inWindow = history.filter(([t]) => t >= time - 60_000).map(([, v]) => v);
      expect(window.size).toBe(inWindow.length);
      expect(window.median()).toBe(median(inWindow));
      expect(window.mad()).toBe(mad(inWindow));
    }
  });

  it('keeps only the newest maxReadings readings of a device that reports faster', () => {
    const window = new RollingMedianMad(3_600_000, 4);
    [1, 2, 3, 100, 200, 300].forEach((v, i) => window.push(i * 1000, v));
    expect(window.size).toBe(4);
    expect(window.median()).toBe(150);
  });

  it('estimates the standard deviation of normal noise with 1.4826 × MAD', () => {
    const normal = gaussian(seededRandom(3));
    const window = new RollingMedianMad(1e9, 4096);
    for (let i = 0; i < 4000; i++) window.push(i, 50 + 4 * normal());
    expect(window.median()).toBeCloseTo(50, 0);
    expect(MAD_TO_SIGMA * window.mad()).toBeGreaterThan(3.7);
    expect(MAD_TO_SIGMA * window.mad()).toBeLessThan(4.3);
    expect(window.robustStd()).toBe(MAD_TO_SIGMA * window.mad());
  });

  it('still has a spread when most readings are equal and the MAD is 0', () => {
    const window = new RollingMedianMad(1e9);
    [5, 5, 5, 5, 5, 5, 5, 9, 1, 5].forEach((v, i) => window.push(i, v));
    expect(window.mad()).toBe(0);
    expect(window.robustStd()).toBeCloseTo(1.2533 * (8 / 10), 12);
  });

  it('empties after a silence longer than the window, and only then', () => {
    const window = new RollingMedianMad(60_000);
    window.push(0, 1);
    window.push(1000, 2);
    window.clearIfStale(61_000);
    expect(window.size).toBe(2);
    window.clearIfStale(61_001);
    expect(window.size).toBe(0);
    expect(window.median()).toBeNaN();
  });
});
