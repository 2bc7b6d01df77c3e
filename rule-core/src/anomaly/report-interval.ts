/** What a processor keeps across a restart so a device's learned interval survives it. */
export interface ReportIntervalSnapshot {
  lastSeen: number | null;
  usualIntervalMs: number | null;
  intervals: number;
}

export interface ReportIntervalOptions {
  /** Weight of the newest interval in the moving average. */
  smoothing?: number;
  /** Intervals to see before the usual interval is trusted. */
  minIntervals?: number;
  /**
   * An interval longer than this many usual intervals is learned as that many: a silence is
   * what the rule alerts on, it must not teach the tracker that silence is usual. A device that
   * really slows down still gets there, by this factor per reading at most.
   */
  maxLearnedFactor?: number;
}

/**
 * A device's usual report interval, learned as an exponentially weighted moving average of the
 * times between its readings (the plain mean for the first 1/smoothing intervals), and when it
 * is overdue. Duplicates and out-of-order readings teach nothing.
 *
 * O(1) per reading; memory: four numbers.
 */
export class ReportIntervalTracker {
  private last = NaN;
  private usual = NaN;
  private seen = 0;
  private readonly smoothing: number;
  private readonly minIntervals: number;
  private readonly maxLearnedFactor: number;

  constructor(options: ReportIntervalOptions = {}) {
    this.smoothing = options.smoothing ?? 0.1;
    this.minIntervals = options.minIntervals ?? 3;
    this.maxLearnedFactor = options.maxLearnedFactor ?? 2;
    if (!(this.smoothing > 0 && this.smoothing <= 1)) throw new RangeError(`smoothing must be in (0, 1], got ${this.smoothing}`);
  }

  static restore(snapshot: ReportIntervalSnapshot, options?: ReportIntervalOptions): ReportIntervalTracker {
    const tracker = new ReportIntervalTracker(options);
    tracker.resume(snapshot);
    return tracker;
  }

  /** Continues from a snapshot, as if the readings it was learned from had been seen here. */
  resume(snapshot: ReportIntervalSnapshot): void {
    this.last = snapshot.lastSeen ?? NaN;
    this.usual = snapshot.usualIntervalMs ?? NaN;
    this.seen = snapshot.intervals;
  }

  observe(time: number): void {
    if (!(time > this.last)) {
      if (Number.isNaN(this.last)) this.last = time;
      return;
    }
    let interval = time - this.last;
    this.last = time;
    if (this.seen > 0 && interval > this.maxLearnedFactor * this.usual) interval = this.maxLearnedFactor * this.usual;
    this.seen++;
    const weight = Math.max(this.smoothing, 1 / this.seen);
    this.usual = this.seen === 1 ? interval : this.usual + weight * (interval - this.usual);
  }

  /** Time of the newest reading seen; NaN before any. */
  get lastSeen(): number {
    return this.last;
  }

  /** The learned interval, ms; undefined until enough intervals were seen to trust it. */
  get usualIntervalMs(): number | undefined {
    return this.seen >= this.minIntervals ? this.usual : undefined;
  }

  /**
   * When the device becomes overdue: the last reading plus `multiplier` × its usual interval,
   * and never sooner than `minIntervalMs` after it. Undefined while the interval is unknown.
   */
  overdueAt(multiplier: number, minIntervalMs: number): number | undefined {
    const usual = this.usualIntervalMs;
    if (usual === undefined) return undefined;
    return this.last + Math.max(multiplier * usual, minIntervalMs);
  }

  snapshot(): ReportIntervalSnapshot {
    return {
      lastSeen: Number.isNaN(this.last) ? null : this.last,
      usualIntervalMs: Number.isNaN(this.usual) ? null : this.usual,
      intervals: this.seen,
    };
  }
}
