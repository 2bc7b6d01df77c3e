import { describe, expect, it } from 'vitest';
import { SlidingEventCounter } from '../../src/anomaly/event-counter.js';

const MINUTE = 60_000;

describe('SlidingEventCounter', () => {
  it('counts the events of the last window, inclusive of its start', () => {
    const counter = new SlidingEventCounter(10 * MINUTE);
    [0, 2, 4, 9, 10].forEach((m) => counter.record(m * MINUTE));
    expect(counter.countAt(10 * MINUTE)).toBe(5);
    expect(counter.countAt(11 * MINUTE)).toBe(4);
    expect(counter.countAt(30 * MINUTE)).toBe(0);
    expect(counter.lastEventTime).toBe(10 * MINUTE);
  });

  it('keeps each event count for the evidence', () => {
    const counter = new SlidingEventCounter(10 * MINUTE);
    counter.record(0, 120);
    counter.record(MINUTE, 340);
    counter.record(2 * MINUTE, 80);
    expect(counter.largestCount()).toBe(340);
  });

  it('saturates at maxEvents', () => {
    const counter = new SlidingEventCounter(10 * MINUTE, 5);
    for (let i = 0; i < 50; i++) counter.record(i * 1000);
    expect(counter.countAt(50_000)).toBe(5);
  });
});
