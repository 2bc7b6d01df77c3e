import { METRICS, minutesOfDay, type MetricName, type TimeOfDayThresholdRule } from '../../../../contracts/src/index.js';
import { localMinuteOfDay } from '../../../../contracts/src/index.js';
import { METRIC_INDEX } from '../physical-ranges.js';
import { CRITICAL, NONE, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { LEVEL_LIMIT_TEXT, formatQuantity, placeText } from '../wording.js';
import { levelWithHysteresis } from './threshold.js';

const MINUTES_PER_DAY = 1440;

export interface CompiledTimeOfDayThreshold extends CompiledRule<TimeOfDayThresholdRule> {
  readonly metric: MetricName;
  /** +1 for `above`, −1 for `below`; limits are stored multiplied by it, as in the threshold kind. */
  readonly sign: number;
  /** Signed limits per local minute of the day; NaN outside every period, +Infinity for a level a period does not set. */
  readonly warningLimits: Float64Array;
  readonly criticalLimits: Float64Array;
}

export interface TimeOfDayState {
  /** The local minute of the last reading, for the evidence. */
  minute: number;
}

/**
 * A threshold whose limits depend on the local time (Asia/Ho_Chi_Minh): the minute of the day
 * looks the limits up in tables built once per rule. Outside every period the rule does not apply.
 */
export const timeOfDayThresholdKind: RuleKind<TimeOfDayThresholdRule, CompiledTimeOfDayThreshold, TimeOfDayState> = {
  compile(rule) {
    const sign = rule.direction === 'above' ? 1 : -1;
    const warningLimits = new Float64Array(MINUTES_PER_DAY).fill(NaN);
    const criticalLimits = new Float64Array(MINUTES_PER_DAY).fill(NaN);
    for (const period of rule.periods) {
      const from = minutesOfDay(period.from);
      const to = minutesOfDay(period.to);
      for (let minute = from; minute !== to; minute = (minute + 1) % MINUTES_PER_DAY) {
        warningLimits[minute] = period.warning === undefined ? Infinity : sign * period.warning;
        criticalLimits[minute] = period.critical === undefined ? Infinity : sign * period.critical;
      }
    }
    return { rule, metric: rule.metric, metricIndex: METRIC_INDEX[rule.metric], forMs: rule.forSeconds * 1000, sign, warningLimits, criticalLimits };
  },

  createState() {
    return { minute: 0 };
  },

  evaluate(rule, state, reading, metrics, previous) {
    const minute = localMinuteOfDay(reading.ts);
    state.minute = minute;
    const warningLimit = rule.warningLimits[minute];
    if (warningLimit !== warningLimit) return NONE;
    return levelWithHysteresis(rule.sign * metrics.value[rule.metricIndex], previous, warningLimit, rule.criticalLimits[minute], rule.rule.hysteresis);
  },

  evidence(compiled, state, level, value) {
    const { rule } = compiled;
    return {
      metric: rule.metric,
      unit: METRICS[rule.metric].unit,
      value,
      direction: rule.direction,
      level: level === CRITICAL ? 'critical' : 'warning',
      limit: limitAt(compiled, state.minute, level),
      localTime: localTimeText(state.minute),
      timezone: rule.timezone,
      periods: rule.periods,
      hysteresis: rule.hysteresis,
      forSeconds: rule.forSeconds,
    };
  },

  message(compiled, state, level, value, place) {
    const { rule } = compiled;
    const label = METRICS[rule.metric].label;
    const where = placeText(place);
    const limit = formatQuantity(rule.metric, limitAt(compiled, state.minute, level));
    const measured = value === null ? '' : formatQuantity(rule.metric, value);
    const words = LEVEL_LIMIT_TEXT[level];
    const above = rule.direction === 'above';
    const time = localTimeText(state.minute);
    return {
      vi: `${label.vi} ${where.vi} là ${measured} lúc ${time}, ${above ? 'vượt' : 'dưới'} ${words.vi} ${limit} của khung giờ này`,
      en: `${label.en} ${where.en} is ${measured} at ${time} local time, ${above ? 'above' : 'below'} the ${words.en} ${limit} for this time of day`,
    };
  },
};

function limitAt(compiled: CompiledTimeOfDayThreshold, minute: number, level: AlertLevel): number {
  return compiled.sign * (level === CRITICAL ? compiled.criticalLimits[minute] : compiled.warningLimits[minute]);
}

function localTimeText(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
