import type { SavedStats } from '../../../contracts/src/index.js';
import { fromSaved, toSaved } from './saved-number.js';

/**
 * Exponentially weighted mean and variance with a half-life in time, not in readings: every
 * reading enters with weight 1 and its weight halves every `halfLifeMs`, so irregular report
 * intervals and gaps weigh correctly (a reading after a one-day outage does not count as much
 * as a day of readings). Updates use West's weighted incremental algorithm, which does not
 * lose precision the way Σx² − (Σx)²/n does.
 *
 * O(1) per reading (one Math.exp); memory: five numbers.
 */
export class DecayingStats {
  private weight = 0;
  private meanValue = NaN;
  private sumSquares = 0;
  private lastTime = NaN;
  private readings = 0;
  private readonly decayPerMs: number;

  constructor(readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
    this.decayPerMs = Math.LN2 / halfLifeMs;
  }

  /** Adds a reading. A reading older than the last one decays nothing (it is weighed as if simultaneous). */
  push(time: number, value: number): void {
    const elapsed = time - this.lastTime;
    if (elapsed > 0) {
      const decay = Math.exp(-elapsed * this.decayPerMs);
      this.weight *= decay;
      this.sumSquares *= decay;
    }
    if (!(time <= this.lastTime)) this.lastTime = time;
    this.weight += 1;
    this.readings++;
    if (this.readings === 1) {
      this.meanValue = value;
      return;
    }
    const delta = value - this.meanValue;
    this.meanValue += delta / this.weight;
    this.sumSquares += delta * (value - this.meanValue);
  }

  /** Readings pushed since creation or `clear`. */
  get count(): number {
    return this.readings;
  }

  /** NaN before the first reading. */
  get mean(): number {
    return this.meanValue;
  }

  /** Weighted population variance; 0 after one reading, NaN before any. */
  get variance(): number {
    return this.readings === 0 ? NaN : Math.max(0, this.sumSquares / this.weight);
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }

  /** Sum of the current weights: the effective number of readings the baseline rests on. */
  get effectiveReadings(): number {
    return this.weight;
  }

  save(): SavedStats {
    return [this.weight, toSaved(this.meanValue), this.sumSquares, toSaved(this.lastTime), this.readings];
  }

  /** Continues from `save()`'s value, taken with the same half-life. */
  load([weight, mean, sumSquares, lastTime, readings]: SavedStats): void {
    this.weight = weight;
    this.meanValue = fromSaved(mean);
    this.sumSquares = sumSquares;
    this.lastTime = fromSaved(lastTime);
    this.readings = readings;
  }

  clear(): void {
    this.weight = 0;
    this.meanValue = NaN;
    this.sumSquares = 0;
    this.lastTime = NaN;
    this.readings = 0;
  }
}
