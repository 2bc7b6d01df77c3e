/**
 * When a replay sends each reading and which device time it carries. Pure: the caller passes the
 * wall clock in and does the waiting, so the arithmetic is tested without timers.
 */
export interface PaceOptions {
  /** Recording seconds per real second: 1 is the original pace, 60 an hour a minute. */
  speed: number;
  /** Send as soon as the broker acknowledges, ignoring the recording's spacing (still capped by `maxRate`). */
  asFastAsPossible: boolean;
  /** At most this many messages a second; undefined for no cap. */
  maxRate?: number;
  /**
   * Shift device times so the first reading is the replay's start and the others keep their spacing
   * ÷ speed, so rules that depend on time (missing data, time of day) see a live device. Without it
   * the recorded times are sent unchanged.
   */
  retime: boolean;
}

export class ReplayPace {
  private firstTs: number | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly gapMs: number;

  /** `startedAt`: wall-clock epoch ms at which the first reading goes out. */
  constructor(
    private readonly options: PaceOptions,
    private readonly startedAt: number,
  ) {
    this.gapMs = options.maxRate === undefined ? 0 : 1000 / options.maxRate;
  }

  /**
   * The device time (`ts`) a reading recorded at `ts` carries. Before the first reading is sent,
   * this one counts as the first. Does not change the pace: asking for a reading that is then
   * skipped leaves no trace.
   */
  deviceTs(ts: number): number {
    if (!this.options.retime) return ts;
    // As fast as possible has no speed to divide by: retimed readings keep their original spacing.
    const speed = this.options.asFastAsPossible ? 1 : this.options.speed;
    return Math.round(this.startedAt + (ts - (this.firstTs ?? ts)) / speed);
  }

  /**
   * Wall-clock epoch ms at which to send the reading recorded at `ts`, asked at wall time `now`; at
   * or before `now` means at once. Readings are sent in file order; one recorded before the first
   * (recordings of several devices are only roughly ordered) is due at once. The rate cap counts
   * from when the previous message actually went, so a replay that fell behind catches up at the
   * capped rate, never in a burst.
   */
  sendAt(ts: number, now: number): number {
    this.firstTs ??= ts;
    const pacedAt = this.options.asFastAsPossible ? now : this.startedAt + (ts - this.firstTs) / this.options.speed;
    const sendAt = Math.max(pacedAt, this.lastSentAt + this.gapMs);
    this.lastSentAt = Math.max(sendAt, now);
    return sendAt;
  }

  /** How far behind the recording's pace a reading recorded at `ts` goes at `now`, in ms: 0 when on time or as fast as possible. */
  behindMs(ts: number, now: number): number {
    if (this.options.asFastAsPossible || this.firstTs === undefined) return 0;
    return Math.max(0, now - (this.startedAt + (ts - this.firstTs) / this.options.speed));
  }
}
