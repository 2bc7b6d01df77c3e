import { SavedReportIntervalSchema, type MissingDataRule, type SavedReportInterval } from '../../../../contracts/src/index.js';
import { ReportIntervalTracker } from '../../anomaly/report-interval.js';
import { NONE, severityLevel, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { formatNumber, placeText } from '../wording.js';

export interface CompiledMissingData extends CompiledRule<MissingDataRule> {
  readonly metric: null;
  readonly level: AlertLevel;
  readonly minIntervalMs: number;
  readonly graceMs: number;
}

/** The device's learned report interval, and what the tick that found it silent saw. */
export class MissingDataState extends ReportIntervalTracker {
  /** When the device became overdue, for the evidence. */
  overdueSince = NaN;
  /** The time of the tick that found it silent. */
  checkedAt = NaN;
  /**
   * For a device taken over from a checkpoint: the first tick after, from which the grace counts
   * again (NaN until that tick). The instance is still reading the backlog of the partition it
   * was given, and the checkpoint is older than the device's last reading there.
   */
  graceFrom = -Infinity;
}

/**
 * A device that has gone quiet: nothing received for `intervalMultiplier` × its usual report
 * interval, learned per device from when ingest received its readings (`receivedAt`, the
 * server's clock, so a device with a wrong clock is not silent). One alert per silent device,
 * opened by the timer and resolved by the device's next reading. Nothing fires during the
 * first `startupGraceSeconds` after the engine's first tick: after a start or restart the
 * processor is still catching up on the bus, and every device would look silent. The same
 * grace applies to a device resumed from a checkpoint (a partition taken over from another
 * instance), counted from the first tick after it was resumed.
 */
export const missingDataKind: RuleKind<MissingDataRule, CompiledMissingData, MissingDataState> = {
  compile(rule) {
    return {
      rule,
      metric: null,
      metricIndex: -1,
      forMs: 0,
      level: severityLevel(rule.severity),
      minIntervalMs: rule.minIntervalSeconds * 1000,
      graceMs: rule.startupGraceSeconds * 1000,
    };
  },

  createState() {
    return new MissingDataState();
  },

  evaluate(_rule, state, reading) {
    state.observe(reading.receivedAt);
    return NONE;
  },

  tick(rule, state, now, startedAt) {
    if (Number.isNaN(state.graceFrom)) state.graceFrom = now;
    if (now - Math.max(startedAt, state.graceFrom) < rule.graceMs) return null;
    const overdueAt = state.overdueAt(rule.rule.intervalMultiplier, rule.minIntervalMs);
    if (overdueAt === undefined || now < overdueAt) return null;
    state.overdueSince = overdueAt;
    state.checkedAt = now;
    return rule.level;
  },

  reportInterval(state) {
    return state.snapshot();
  },

  resumeReportInterval(state, snapshot) {
    state.resume(snapshot);
    state.graceFrom = NaN;
  },

  saveState(state): SavedReportInterval {
    return state.snapshot();
  },

  /** As `resumeReportInterval`: the processor restored is catching up on the bus, so the grace applies again. */
  loadState(_rule, saved) {
    const parsed = SavedReportIntervalSchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const state = new MissingDataState();
    state.resume(parsed.data);
    state.graceFrom = NaN;
    return state;
  },

  evidence({ rule }, state) {
    const usual = state.usualIntervalMs ?? NaN;
    return {
      lastReceivedAt: state.lastSeen,
      usualIntervalSeconds: usual / 1000,
      overdueAt: state.overdueSince,
      silentSeconds: (state.checkedAt - state.lastSeen) / 1000,
      intervalMultiplier: rule.intervalMultiplier,
      minIntervalSeconds: rule.minIntervalSeconds,
      startupGraceSeconds: rule.startupGraceSeconds,
    };
  },

  message(_rule, state, _level, _value, place) {
    const where = placeText(place);
    const silent = Math.round((state.checkedAt - state.lastSeen) / 60_000);
    const usual = formatNumber((state.usualIntervalMs ?? NaN) / 60_000);
    return {
      vi: `Mất dữ liệu ${where.vi}: không nhận được số liệu trong ${silent} phút (bình thường ${usual} phút gửi một lần)`,
      en: `No data ${where.en}: nothing received for ${silent} minutes (it usually reports every ${usual} minutes)`,
    };
  },
};
