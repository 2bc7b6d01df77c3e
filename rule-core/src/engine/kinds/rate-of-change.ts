import { METRICS, SavedRateOfChangeSchema, type MetricName, type RateOfChangeRule, type SavedRateOfChange } from '../../../../contracts/src/index.js';
import { RateOfChange } from '../../anomaly/rate-of-change.js';
import { METRIC_INDEX } from '../physical-ranges.js';
import { NONE, severityLevel, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { formatNumber, placeText } from '../wording.js';

export interface CompiledRateOfChange extends CompiledRule<RateOfChangeRule> {
  readonly metric: MetricName;
  readonly level: AlertLevel;
  readonly windowMs: number;
  readonly maxRise: number;
  readonly maxFall: number;
}

export interface RateOfChangeState {
  windowMs: number;
  window: RateOfChange;
  /** The rate of the last reading, per minute; for the evidence. */
  rate: number;
}

/**
 * Rises or falls faster than the rule allows. A rate is judged only once the readings span at
 * least half the window: two noisy readings a minute apart must not decide "30 cm per hour".
 */
export const rateOfChangeKind: RuleKind<RateOfChangeRule, CompiledRateOfChange, RateOfChangeState> = {
  compile(rule) {
    return {
      rule,
      metric: rule.metric,
      metricIndex: METRIC_INDEX[rule.metric],
      forMs: 0,
      level: severityLevel(rule.severity),
      windowMs: rule.windowSeconds * 1000,
      maxRise: rule.maxRisePerMinute ?? Infinity,
      maxFall: rule.maxFallPerMinute ?? Infinity,
    };
  },

  createState(rule) {
    return { windowMs: rule.windowMs, window: new RateOfChange(rule.windowMs), rate: NaN };
  },

  evaluate(rule, state, reading, metrics) {
    if (state.windowMs !== rule.windowMs) {
      state.windowMs = rule.windowMs;
      state.window = new RateOfChange(rule.windowMs);
    }
    const window = state.window;
    window.push(reading.ts, metrics.value[rule.metricIndex]);
    if (window.size < rule.rule.minReadings || window.spanMs * 2 < rule.windowMs) {
      state.rate = NaN;
      return NONE;
    }
    const rate = rule.rule.method === 'difference' ? window.differencePerMinute() : window.slopePerMinute();
    state.rate = rate;
    return rate > rule.maxRise || -rate > rule.maxFall ? rule.level : NONE;
  },

  saveState(state): SavedRateOfChange {
    return state.window.save();
  },

  loadState(rule, saved) {
    const parsed = SavedRateOfChangeSchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const window = new RateOfChange(rule.windowMs);
    window.load(parsed.data);
    return { windowMs: rule.windowMs, window, rate: NaN };
  },

  evidence({ rule }, state, _level, value) {
    return {
      metric: rule.metric,
      unit: METRICS[rule.metric].unit,
      value,
      ratePerMinute: state.rate,
      ratePerHour: state.rate * 60,
      method: rule.method,
      windowSeconds: rule.windowSeconds,
      readingsInWindow: state.window.size,
      maxRisePerMinute: rule.maxRisePerMinute ?? null,
      maxFallPerMinute: rule.maxFallPerMinute ?? null,
    };
  },

  message({ rule }, state, _level, _value, place) {
    const label = METRICS[rule.metric].label;
    const unit = METRICS[rule.metric].unit;
    const where = placeText(place);
    const rising = state.rate > 0;
    const perHour = `${formatNumber(Math.abs(state.rate) * 60)} ${unit}`;
    const limit = `${formatNumber((rising ? rule.maxRisePerMinute! : rule.maxFallPerMinute!) * 60)} ${unit}`;
    return {
      vi: `${label.vi} ${where.vi} đang ${rising ? 'tăng' : 'giảm'} nhanh: ${perHour}/giờ, vượt mức cho phép ${limit}/giờ`,
      en: `${label.en} ${where.en} is ${rising ? 'rising' : 'falling'} fast: ${perHour} per hour, faster than the allowed ${limit} per hour`,
    };
  },
};
