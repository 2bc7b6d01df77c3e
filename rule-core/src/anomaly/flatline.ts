import type { SavedFlatline } from '../../../contracts/src/index.js';
import { fromSaved, toSaved } from './saved-number.js';

/**
 * How long a metric has stayed flat: the current run of readings that all lie within a band
 * of width `tolerance` (max − min ≤ tolerance). A reading outside the band starts a new run.
 * `changes` counts the runs that ended, so a rule can tell a sensor that froze from a metric
 * that never varied in the first place.
 *
 * O(1) per reading; memory: six numbers.
 */
export class FlatlineTracker {
  private runStart = NaN;
  private runEnd = NaN;
  private runMin = NaN;
  private runMax = NaN;
  private runReadings = 0;
  private runsEnded = 0;

  private band: number;

  constructor(tolerance: number) {
    this.band = checkedTolerance(tolerance);
  }

  get tolerance(): number {
    return this.band;
  }

  /** Starts over with another tolerance (a rule's new parameters). */
  retune(tolerance: number): void {
    this.band = checkedTolerance(tolerance);
    this.clear();
  }

  push(time: number, value: number): void {
    if (this.runReadings > 0 && Math.max(this.runMax, value) - Math.min(this.runMin, value) <= this.band) {
      if (value < this.runMin) this.runMin = value;
      if (value > this.runMax) this.runMax = value;
      this.runReadings++;
      if (time > this.runEnd) this.runEnd = time;
      return;
    }
    if (this.runReadings > 0) this.runsEnded++;
    this.runStart = this.runEnd = time;
    this.runMin = this.runMax = value;
    this.runReadings = 1;
  }

  /** Readings in the current flat run (1 right after a change, 0 before any reading). */
  get readings(): number {
    return this.runReadings;
  }

  /** Device time from the first to the latest reading of the current run, ms. */
  get durationMs(): number {
    return this.runReadings === 0 ? 0 : this.runEnd - this.runStart;
  }

  /** When the current run started; NaN before any reading. */
  get since(): number {
    return this.runStart;
  }

  /** The band the current run stays in. */
  get min(): number {
    return this.runMin;
  }

  get max(): number {
    return this.runMax;
  }

  /** How many times the value has moved out of its band: 0 means it has never varied. */
  get changes(): number {
    return this.runsEnded;
  }

  save(): SavedFlatline {
    return [toSaved(this.runStart), toSaved(this.runEnd), toSaved(this.runMin), toSaved(this.runMax), this.runReadings, this.runsEnded];
  }

  /** Continues from `save()`'s value, under the same tolerance. */
  load([start, end, min, max, readings, changes]: SavedFlatline): void {
    this.runStart = fromSaved(start);
    this.runEnd = fromSaved(end);
    this.runMin = fromSaved(min);
    this.runMax = fromSaved(max);
    this.runReadings = readings;
    this.runsEnded = changes;
  }

  clear(): void {
    this.runStart = this.runEnd = this.runMin = this.runMax = NaN;
    this.runReadings = 0;
    this.runsEnded = 0;
  }
}

function checkedTolerance(tolerance: number): number {
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be 0 or more, got ${tolerance}`);
  return tolerance;
}
