import type { SavedStats } from '../../../contracts/src/index.js';
import { DecayingStats } from './decaying-stats.js';
import { localHourOfDay, localHourOfWeek } from '../../../contracts/src/index.js';

export type Seasonality = 'hour-of-day' | 'hour-of-week';

/**
 * What a reading is expected to be at this local hour: one exponentially weighted mean and
 * variance per hour of the day (24) or hour of the week (168, Monday 00:00 first), in
 * Asia/Ho_Chi_Minh time. Traffic at 08:00 is compared with earlier mornings, not with the night.
 * The half-life is in time, so with 7 days a bucket's readings from a week ago weigh half.
 *
 * O(1) per reading; memory: about 60 bytes per bucket that has seen a reading
 * (1.5 kB for hour-of-day, 10 kB for hour-of-week at most).
 */
export class SeasonalBaseline {
  private readonly buckets: (DecayingStats | undefined)[];

  constructor(
    readonly seasonality: Seasonality,
    readonly halfLifeMs: number,
  ) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
    this.buckets = new Array(seasonality === 'hour-of-day' ? 24 : 168).fill(undefined);
  }

  bucketOf(time: number): number {
    return this.seasonality === 'hour-of-day' ? localHourOfDay(time) : localHourOfWeek(time);
  }

  /** The baseline for the hour containing `time`; undefined until that hour has seen a reading. */
  at(time: number): DecayingStats | undefined {
    return this.buckets[this.bucketOf(time)];
  }

  push(time: number, value: number): void {
    const bucket = this.bucketOf(time);
    let stats = this.buckets[bucket];
    if (!stats) {
      stats = new DecayingStats(this.halfLifeMs);
      this.buckets[bucket] = stats;
    }
    stats.push(time, value);
  }

  /** Each hour's baseline, null for hours not seen yet. */
  save(): (SavedStats | null)[] {
    return this.buckets.map((stats) => stats?.save() ?? null);
  }

  /** Continues from `save()`'s value; false when it holds another number of hours. */
  load(saved: readonly (SavedStats | null)[]): boolean {
    if (saved.length !== this.buckets.length) return false;
    saved.forEach((bucket, i) => {
      if (bucket === null) return;
      const stats = new DecayingStats(this.halfLifeMs);
      stats.load(bucket);
      this.buckets[i] = stats;
    });
    return true;
  }

  clear(): void {
    this.buckets.fill(undefined);
  }
}
