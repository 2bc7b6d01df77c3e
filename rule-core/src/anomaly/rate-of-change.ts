import type { SavedRateOfChange } from '../../../contracts/src/index.js';
import { TimeRing } from './time-ring.js';

const MINUTE_MS = 60_000;

/**
 * How fast a metric moves over the last `windowMs`, in units per minute, two ways:
 * - `slopePerMinute()`: the least-squares slope through every reading in the window, so one
 *   noisy reading moves it little;
 * - `differencePerMinute()`: (newest − oldest) / time between them, what an operator would
 *   compute by hand ("rose 30 cm in the last hour").
 *
 * O(1) amortised per reading: running sums are updated on push and evict, and rebuilt from the
 * window after as many pushes as it holds (at least 32), with time and value measured from the
 * oldest reading so that rounding neither accumulates nor cancels. Memory: 16 bytes × readings held.
 */
export class RateOfChange {
  private readonly ring: TimeRing;
  private originTime = 0;
  private originValue = 0;
  private sumT = 0;
  private sumX = 0;
  private sumTT = 0;
  private sumTX = 0;
  private pushesSinceRebuild = 0;

  constructor(
    readonly windowMs: number,
    maxReadings = 4096,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    this.ring = new TimeRing(maxReadings);
  }

  get size(): number {
    return this.ring.size;
  }

  /** Time between the oldest and newest reading held, ms; 0 with fewer than two. */
  get spanMs(): number {
    return this.ring.size < 2 ? 0 : this.ring.newestTime - this.ring.oldestTime;
  }

  get oldestValue(): number {
    return this.ring.size === 0 ? NaN : this.ring.oldestValue;
  }

  get newestValue(): number {
    return this.ring.size === 0 ? NaN : this.ring.newestValue;
  }

  push(time: number, value: number): void {
    const cutoff = time - this.windowMs;
    while (this.ring.size > 0 && this.ring.oldestTime < cutoff) this.dropOldest();
    if (this.ring.isFull) this.dropOldest();
    if (this.ring.size === 0) this.reset(time, value);
    this.ring.push(time, value);
    this.add(time, value, 1);
    if (++this.pushesSinceRebuild >= Math.max(32, this.ring.size)) this.rebuild();
  }

  /** Least-squares slope per minute; NaN with fewer than two readings or no time between them. */
  slopePerMinute(): number {
    const n = this.ring.size;
    if (n < 2) return NaN;
    const denominator = n * this.sumTT - this.sumT * this.sumT;
    if (!(denominator > 0)) return NaN;
    return (n * this.sumTX - this.sumT * this.sumX) / denominator;
  }

  /** (newest − oldest) per minute; NaN with fewer than two readings or no time between them. */
  differencePerMinute(): number {
    const span = this.spanMs;
    if (!(span > 0)) return NaN;
    return ((this.ring.newestValue - this.ring.oldestValue) * MINUTE_MS) / span;
  }

  clear(): void {
    this.ring.clear();
    this.reset(0, 0);
  }

  save(): SavedRateOfChange {
    return {
      window: this.ring.save(),
      origin: [this.originTime, this.originValue],
      sums: [this.sumT, this.sumX, this.sumTT, this.sumTX],
      pushes: this.pushesSinceRebuild,
    };
  }

  /** Continues from `save()`'s value, into an empty window of the same length: the sums are taken as saved, so rates match to the last bit. */
  load(saved: SavedRateOfChange): void {
    this.clear();
    TimeRing.replay(saved.window, (time, value) => this.ring.push(time, value));
    [this.originTime, this.originValue] = saved.origin;
    [this.sumT, this.sumX, this.sumTT, this.sumTX] = saved.sums;
    this.pushesSinceRebuild = saved.pushes;
  }

  private dropOldest(): void {
    this.add(this.ring.oldestTime, this.ring.oldestValue, -1);
    this.ring.shift();
  }

  private add(time: number, value: number, sign: 1 | -1): void {
    const t = (time - this.originTime) / MINUTE_MS;
    const x = value - this.originValue;
    this.sumT += sign * t;
    this.sumX += sign * x;
    this.sumTT += sign * t * t;
    this.sumTX += sign * t * x;
  }

  private reset(time: number, value: number): void {
    this.originTime = time;
    this.originValue = value;
    this.sumT = this.sumX = this.sumTT = this.sumTX = 0;
    this.pushesSinceRebuild = 0;
  }

  private rebuild(): void {
    this.reset(this.ring.oldestTime, this.ring.oldestValue);
    for (let i = 0; i < this.ring.size; i++) this.add(this.ring.timeAt(i), this.ring.valueAt(i), 1);
  }
}
