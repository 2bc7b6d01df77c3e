/**
 * A sorted multiset of numbers in one Float64Array, for medians of small windows (up to a few
 * thousand values). Insert, remove and replace are binary searches plus one memmove
 * (`copyWithin`): O(log n) compares and O(n) moved doubles, which for n ≤ 4096 costs less
 * than the pointer chasing of a heap or tree. Median is O(1); the median absolute deviation
 * is O(log n), a rank selection in the two sorted runs of deviations either side of the
 * median. Memory: 8 bytes × capacity (doubled when full).
 */
export class SortedSamples {
  private values: Float64Array;
  private count = 0;

  constructor(initialCapacity = 16) {
    this.values = new Float64Array(Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.count;
  }

  insert(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const at = this.upperBound(value);
    this.values.copyWithin(at + 1, at, this.count);
    this.values[at] = value;
    this.count++;
  }

  /** Removes one occurrence of `value`; returns false when it is not held. */
  remove(value: number): boolean {
    const at = this.lowerBound(value);
    if (at >= this.count || this.values[at] !== value) return false;
    this.values.copyWithin(at, at + 1, this.count);
    this.count--;
    return true;
  }

  /**
   * Removes one occurrence of `old` and inserts `value` with a single move of the values between
   * their positions: a sliding window's evict-and-insert at about half the cost of the two apart.
   * Inserts only when `old` is not held.
   */
  replace(old: number, value: number): void {
    const from = this.lowerBound(old);
    const v = this.values;
    if (from >= this.count || v[from] !== old) {
      this.insert(value);
      return;
    }
    let to = this.upperBound(value);
    if (to > from) {
      to--;
      v.copyWithin(from, from + 1, to + 1);
    } else if (to < from) v.copyWithin(to + 1, to, from);
    v[to] = value;
  }

  clear(): void {
    this.count = 0;
  }

  /** NaN when empty. For an even count, the mean of the two middle values. */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const h = n >> 1;
    return n & 1 ? this.values[h] : (this.values[h - 1] + this.values[h]) / 2;
  }

  /**
   * Median absolute deviation from the median (unscaled). Deviations left of the middle,
   * m − v[h−1−i], and right of it, v[h+j] − m, are each already sorted, so the median of their
   * union is a rank selection across two sorted runs.
   */
  mad(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const h = n >> 1;
    const m = this.median();
    return n & 1 ? this.deviationRank(m, h, h) : (this.deviationRank(m, h, h - 1) + this.deviationRank(m, h, h)) / 2;
  }

  /** Mean absolute deviation from the median; O(n), for when the MAD is 0. */
  meanDeviation(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const m = this.median();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(this.values[i] - m);
    return sum / n;
  }

  /** The `rank`-th smallest (0-based) deviation from `m`, split at index `h`. */
  private deviationRank(m: number, h: number, rank: number): number {
    const v = this.values;
    const right = this.count - h;
    const k = rank + 1;
    // Binary search for how many of the k smallest deviations come from the left run:
    // left deviation i is m − v[h − 1 − i], right deviation j is v[h + j] − m.
    let lo = k > right ? k - right : 0;
    let hi = k < h ? k : h;
    while (lo < hi) {
      const i = (lo + hi) >> 1;
      if (m - v[h - 1 - i] < v[h + k - i - 1] - m) lo = i + 1;
      else hi = i;
    }
    const fromRight = k - lo;
    const left = lo > 0 ? m - v[h - lo] : -Infinity;
    return fromRight > 0 && v[h + fromRight - 1] - m > left ? v[h + fromRight - 1] - m : left;
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid] <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
