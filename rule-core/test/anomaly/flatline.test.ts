import { describe, expect, it } from 'vitest';
import { FlatlineTracker } from '../../src/anomaly/flatline.js';

const MINUTE = 60_000;

describe('FlatlineTracker', () => {
  it('counts the readings and time a value has stayed within its tolerance band', () => {
    const flat = new FlatlineTracker(0.05);
    [7.1, 7.4, 7.2].forEach((v, i) => flat.push(i * MINUTE, v));
    [7.3, 7.32, 7.28, 7.3, 7.33].forEach((v, i) => flat.push((3 + i) * MINUTE, v));
    expect(flat.readings).toBe(5);
    expect(flat.durationMs).toBe(4 * MINUTE);
    expect(flat.since).toBe(3 * MINUTE);
    expect([flat.min, flat.max]).toEqual([7.28, 7.33]);
    expect(flat.changes).toBe(3);
  });

  it('breaks the run when the band would grow wider than the tolerance, even by slow drift', () => {
    const flat = new FlatlineTracker(0.1);
    [1.0, 1.04, 1.08, 1.12].forEach((v, i) => flat.push(i, v));
    expect(flat.readings).toBe(1);
    expect(flat.since).toBe(3);
  });

  it('with zero tolerance only an identical value extends the run', () => {
    const flat = new FlatlineTracker(0);
    [5, 5, 5, 5.0001].forEach((v, i) => flat.push(i, v));
    expect(flat.readings).toBe(1);
    expect(flat.changes).toBe(1);
  });

  it('reports a metric that never varied as never changed', () => {
    const flat = new FlatlineTracker(0);
    for (let i = 0; i < 100; i++) flat.push(i * MINUTE, 0);
    expect(flat.readings).toBe(100);
    expect(flat.changes).toBe(0);
  });
});
