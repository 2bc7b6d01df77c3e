import type { SavedSeries } from '../../../contracts/src/index.js';
import { SortedSamples } from './sorted-samples.js';
import { TimeRing } from './time-ring.js';

/** Scales a MAD to estimate the standard deviation of normally distributed readings. */
export const MAD_TO_SIGMA = 1.4826;
/** Scales a mean absolute deviation to estimate the standard deviation of normal readings (√(π/2)). */
export const MEAN_DEVIATION_TO_SIGMA = 1.2533;

/**
 * Median and MAD of the readings of the last `windowMs` up to the newest one pushed (at most
 * `maxReadings` of them; a device reporting faster than that has its window shortened to the
 * newest `maxReadings`). Windows move when a reading is pushed, so a reading scored before it
 * is pushed is compared with the window as it stood at the previous reading (reaching back
 * one report interval further), and the eviction and insertion merge into one `replace`.
 *
 * Cost per reading: O(1) amortised ring push/evict plus one sorted replace (binary searches +
 * memmove of the values between the two positions); median O(1), MAD O(log n).
 * Memory: 24 bytes × readings held (time and value in the ring, value in the sorted array).
 */
export class RollingMedianMad {
  private readonly ring: TimeRing;
  private readonly sorted = new SortedSamples();

  constructor(
    readonly windowMs: number,
    readonly maxReadings = 2048,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.ring = new TimeRing(maxReadings);
  }

  /** Readings in the window. */
  get size(): number {
    return this.ring.size;
  }

  /** Time of the newest reading held, NaN when empty. */
  get newestTime(): number {
    return this.ring.size === 0 ? NaN : this.ring.newestTime;
  }

  /** Adds a reading and drops those older than `time − windowMs`. */
  push(time: number, value: number): void {
    const cutoff = time - this.windowMs;
    let evicted = NaN;
    let evicting = false;
    while (this.ring.size > 0 && (this.ring.oldestTime < cutoff || this.ring.isFull)) {
      if (evicting) this.sorted.remove(evicted);
      evicted = this.ring.oldestValue;
      evicting = true;
      this.ring.shift();
    }
    this.ring.push(time, value);
    if (evicting) this.sorted.replace(evicted, value);
    else this.sorted.insert(value);
  }

  save(): SavedSeries {
    return this.ring.save();
  }

  /** Refills an empty window from `save()`'s value: the same readings give the same median and MAD. */
  load(saved: SavedSeries): void {
    TimeRing.replay(saved, (time, value) => this.push(time, value));
  }

  /**
   * Empties the window when even its newest reading is older than `now − windowMs`: after a
   * silence longer than the window there is no baseline left to compare with.
   */
  clearIfStale(now: number): void {
    if (this.ring.size > 0 && this.ring.newestTime < now - this.windowMs) this.clear();
  }

  median(): number {
    return this.sorted.median();
  }

  /** Unscaled median absolute deviation; multiply by MAD_TO_SIGMA for a robust standard deviation. */
  mad(): number {
    return this.sorted.mad();
  }

  /**
   * A robust standard deviation: 1.4826 × MAD, or 1.2533 × the mean absolute deviation when
   * more than half the readings are equal and the MAD is 0 (Iglewicz and Hoaglin's modified
   * z-score), so a mostly constant series still has a spread. O(log n), O(n) in that case.
   */
  robustStd(): number {
    const mad = this.sorted.mad();
    return mad > 0 ? MAD_TO_SIGMA * mad : MEAN_DEVIATION_TO_SIGMA * this.sorted.meanDeviation();
  }

  clear(): void {
    this.ring.clear();
    this.sorted.clear();
  }
}
