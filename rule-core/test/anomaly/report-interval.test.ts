import { describe, expect, it } from 'vitest';
import { ReportIntervalTracker } from '../../src/anomaly/report-interval.js';

const MINUTE = 60_000;

describe('ReportIntervalTracker', () => {
  it('learns a device reporting every 5 minutes and says when it becomes overdue', () => {
    const tracker = new ReportIntervalTracker();
    for (let i = 0; i < 20; i++) tracker.observe(i * 5 * MINUTE);
    expect(tracker.usualIntervalMs).toBeCloseTo(5 * MINUTE, 6);
    expect(tracker.overdueAt(3, 2 * MINUTE)).toBeCloseTo(19 * 5 * MINUTE + 15 * MINUTE, 6);
  });

  it('does not trust the interval before it has seen enough of them', () => {
    const tracker = new ReportIntervalTracker({ minIntervals: 3 });
    tracker.observe(0);
    tracker.observe(MINUTE);
    tracker.observe(2 * MINUTE);
    expect(tracker.usualIntervalMs).toBeUndefined();
    expect(tracker.overdueAt(3, 0)).toBeUndefined();
    tracker.observe(3 * MINUTE);
    expect(tracker.usualIntervalMs).toBe(MINUTE);
  });

  it('never becomes overdue sooner than the minimum interval', () => {
    const tracker = new ReportIntervalTracker();
    for (let i = 0; i < 10; i++) tracker.observe(i * 1000);
    expect(tracker.overdueAt(3, 2 * MINUTE)).toBe(9000 + 2 * MINUTE);
  });

  it('is not taught by an outage that silence is usual', () => {
    const tracker = new ReportIntervalTracker();
    for (let i = 0; i < 30; i++) tracker.observe(i * MINUTE);
    tracker.observe(29 * MINUTE + 6 * 3600_000);
    // The six-hour gap counts as two usual intervals at most.
    expect(tracker.usualIntervalMs).toBeLessThan(1.2 * MINUTE);
  });

  it('follows a device that really slows down', () => {
    const tracker = new ReportIntervalTracker();
    let time = 0;
    for (let i = 0; i < 30; i++) tracker.observe((time += MINUTE));
    for (let i = 0; i < 80; i++) tracker.observe((time += 10 * MINUTE));
    expect(tracker.usualIntervalMs).toBeGreaterThan(9 * MINUTE);
  });

  it('ignores duplicates and out-of-order readings', () => {
    const tracker = new ReportIntervalTracker();
    for (let i = 0; i < 10; i++) tracker.observe(i * MINUTE);
    tracker.observe(9 * MINUTE);
    tracker.observe(4 * MINUTE);
    expect(tracker.lastSeen).toBe(9 * MINUTE);
    expect(tracker.usualIntervalMs).toBe(MINUTE);
  });

  it('survives a processor restart through its snapshot', () => {
    const tracker = new ReportIntervalTracker();
    for (let i = 0; i < 10; i++) tracker.observe(i * 5 * MINUTE);
    const snapshot = JSON.parse(JSON.stringify(tracker.snapshot()));
    const restored = ReportIntervalTracker.restore(snapshot);
    expect(restored.usualIntervalMs).toBe(tracker.usualIntervalMs);
    expect(restored.overdueAt(3, 0)).toBe(tracker.overdueAt(3, 0));
    restored.observe(50 * MINUTE);
    expect(restored.usualIntervalMs).toBeCloseTo(5 * MINUTE, 6);
  });
});
