import type { SavedSeries } from '../../../contracts/src/index.js';

/**
 * A first-in first-out buffer of (time, value) pairs for sliding time windows. Push and evict
 * are O(1) amortised: storage is two Float64Arrays used as a ring, doubled when full up to
 * `maxSize`, then the oldest pair is dropped to make room. Memory: 16 bytes × capacity.
 *
 * Times must not decrease; windows hold readings of one device and metric in device order.
 */
export class TimeRing {
  private times: Float64Array;
  private values: Float64Array;
  private head = 0;
  private count = 0;

  constructor(
    readonly maxSize: number,
    initialCapacity = 16,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a positive integer, got ${maxSize}`);
    const capacity = Math.min(maxSize, Math.max(1, initialCapacity));
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count === this.maxSize;
  }

  /** Appends a pair; when `maxSize` pairs are held the oldest is dropped first (see `shift`). */
  push(time: number, value: number): void {
    if (this.count === this.times.length) {
      if (this.count < this.maxSize) this.grow();
      else this.shift();
    }
    const at = (this.head + this.count) % this.times.length;
    this.times[at] = time;
    this.values[at] = value;
    this.count++;
  }

  /** Removes the oldest pair. Read it first with `oldestTime`/`oldestValue` if you need it. */
  shift(): void {
    if (this.count === 0) return;
    this.head = (this.head + 1) % this.times.length;
    this.count--;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  get oldestTime(): number {
    return this.times[this.head];
  }

  get oldestValue(): number {
    return this.values[this.head];
  }

  get newestTime(): number {
    return this.times[(this.head + this.count - 1) % this.times.length];
  }

  get newestValue(): number {
    return this.values[(this.head + this.count - 1) % this.times.length];
  }

  /** The i-th pair's time, 0 = oldest. */
  timeAt(i: number): number {
    return this.times[(this.head + i) % this.times.length];
  }

  /** The i-th pair's value, 0 = oldest. */
  valueAt(i: number): number {
    return this.values[(this.head + i) % this.times.length];
  }

  /** The pairs, oldest first, for a checkpoint: times as the first then the differences. */
  save(): SavedSeries {
    const t = new Array<number>(this.count);
    const v = new Array<number>(this.count);
    let previous = 0;
    for (let i = 0; i < this.count; i++) {
      const time = this.timeAt(i);
      t[i] = time - previous;
      v[i] = this.valueAt(i);
      previous = time;
    }
    return { t, v };
  }

  /** The pairs of `saved`, oldest first, each handed to `push` (the owner's, which keeps its own bookkeeping). */
  static replay(saved: SavedSeries, push: (time: number, value: number) => void): void {
    let time = 0;
    for (let i = 0; i < saved.t.length; i++) {
      time += saved.t[i];
      push(time, saved.v[i]);
    }
  }

  private grow(): void {
    const capacity = Math.min(this.maxSize, this.times.length * 2);
    const times = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    for (let i = 0; i < this.count; i++) {
      times[i] = this.timeAt(i);
      values[i] = this.valueAt(i);
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }
}
