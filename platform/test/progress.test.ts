import { describe, expect, it } from 'vitest';
import { formatDuration, progressText } from '../src/progress.js';

describe('progress line', () => {
  it('shows a bar, the share done, the rate and the time left when the total is known', () => {
    expect(progressText({ unit: 'readings', total: 2000, done: 500, elapsedMs: 5000, note: 'at 2016-01-10T04:00Z' })).toBe(
      '[#####...............]  25%  500/2,000 readings  100/s  15 s left  at 2016-01-10T04:00Z',
    );
  });

  it('shows the count and the rate when the total is not known', () => {
    expect(progressText({ unit: 'readings', done: 12_345, elapsedMs: 1000 })).toBe('12,345 readings  12,345/s');
  });

  it('reads durations in the unit that fits', () => {
    expect([formatDuration(42.4), formatDuration(185), formatDuration(7620)]).toEqual(['42 s', '3 min 05 s', '2 h 07 min']);
  });
});
