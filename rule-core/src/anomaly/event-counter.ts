import type { SavedSeries } from '../../../contracts/src/index.js';
import { fromSaved, toSaved } from './saved-number.js';
import { TimeRing } from './time-ring.js';

/**
 * Camera events within a sliding window of `windowMs`: "5 intrusions in 10 minutes". Each
 * event keeps its own count (people in the crowd, vehicles in the queue) for the evidence.
 * Give `maxEvents` at least the rule's minimum count: beyond it the oldest events are dropped,
 * so the count saturates there.
 *
 * O(1) amortised per event; memory: 16 bytes × events in the window.
 */
export class SlidingEventCounter {
  private readonly ring: TimeRing;
  private lastEvent = NaN;

  constructor(
    readonly windowMs: number,
    maxEvents = 10_000,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.ring = new TimeRing(maxEvents);
  }

  record(time: number, count = 1): void {
    this.evictBefore(time);
    this.ring.push(time, count);
    if (!(time <= this.lastEvent)) this.lastEvent = time;
  }

  /** Events within [now − windowMs, now]. */
  countAt(now: number): number {
    this.evictBefore(now);
    return this.ring.size;
  }

  /** Time of the newest event recorded; NaN before any. */
  get lastEventTime(): number {
    return this.lastEvent;
  }

  /** The largest per-event count in the window, for evidence; O(events in window). */
  largestCount(): number {
    let largest = 0;
    for (let i = 0; i < this.ring.size; i++) largest = Math.max(largest, this.ring.valueAt(i));
    return largest;
  }

  save(): { events: SavedSeries; lastEvent: number | null } {
    return { events: this.ring.save(), lastEvent: toSaved(this.lastEvent) };
  }

  /** Continues from `save()`'s value, into an empty counter of the same window. */
  load(saved: { events: SavedSeries; lastEvent: number | null }): void {
    TimeRing.replay(saved.events, (time, count) => this.ring.push(time, count));
    this.lastEvent = fromSaved(saved.lastEvent);
  }

  private evictBefore(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.ring.size > 0 && this.ring.oldestTime < cutoff) this.ring.shift();
  }
}
