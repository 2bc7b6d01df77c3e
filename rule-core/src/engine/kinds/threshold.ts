import { METRICS, type MetricName, type ThresholdRule } from '../../../../contracts/src/index.js';
import { METRIC_INDEX } from '../physical-ranges.js';
import { CRITICAL, NONE, WARNING, type AlertLevel, type CompiledRule, type Level, type RuleKind } from '../rule-kind.js';
import { LEVEL_LIMIT_TEXT, formatQuantity, placeText } from '../wording.js';

export interface CompiledThreshold extends CompiledRule<ThresholdRule> {
  readonly metric: MetricName;
  /**
   * +1 for `above`, −1 for `below`. Limits are stored multiplied by it, so both directions
   * compare `sign × value > limit` with no branch on the direction.
   */
  readonly sign: number;
  /** Signed limits; +Infinity when the rule has no such level, so it is never reached. */
  readonly warningLimit: number;
  readonly criticalLimit: number;
  readonly hysteresis: number;
}

/**
 * A limit on one metric. The condition enters a level when the value is beyond its limit and
 * leaves it only once the value is back past the limit by `hysteresis`, so a value wandering
 * around the limit cannot make an alert flap. A value exactly at the limit complies, as the
 * QCVN limits read ("≤ 350").
 */
/**
 * The level of a value against two limits, with hysteresis: a level is entered at its limit but
 * left only once the value is back past the limit by `hysteresis`, so a value hovering around a
 * limit does not open and resolve alerts in turn. `x` and the limits are signed so that "worse"
 * is always larger (a `below` rule negates them). Shared with the time-of-day kind.
 */
export function levelWithHysteresis(x: number, previous: Level, warningLimit: number, criticalLimit: number, hysteresis: number): Level {
  if (x > (previous === CRITICAL ? criticalLimit - hysteresis : criticalLimit)) return CRITICAL;
  if (x > (previous === NONE ? warningLimit : warningLimit - hysteresis)) return WARNING;
  return NONE;
}

/** No state: the level of the previous reading, which decides whether the hysteresis band applies, is `previous`. */
export const thresholdKind: RuleKind<ThresholdRule, CompiledThreshold, null> = {
  compile(rule) {
    const sign = rule.direction === 'above' ? 1 : -1;
    return {
      rule,
      metric: rule.metric,
      metricIndex: METRIC_INDEX[rule.metric],
      forMs: rule.forSeconds * 1000,
      sign,
      warningLimit: rule.warning === undefined ? Infinity : sign * rule.warning,
      criticalLimit: rule.critical === undefined ? Infinity : sign * rule.critical,
      hysteresis: rule.hysteresis,
    };
  },

  createState() {
    return null;
  },

  evaluate(rule, _state, _reading, metrics, previous) {
    return levelWithHysteresis(rule.sign * metrics.value[rule.metricIndex], previous, rule.warningLimit, rule.criticalLimit, rule.hysteresis);
  },

  evidence({ rule }, _state, level, value) {
    return {
      metric: rule.metric,
      unit: METRICS[rule.metric].unit,
      value,
      direction: rule.direction,
      level: level === CRITICAL ? 'critical' : 'warning',
      limit: limitOf(rule, level),
      warning: rule.warning ?? null,
      critical: rule.critical ?? null,
      hysteresis: rule.hysteresis,
      forSeconds: rule.forSeconds,
    };
  },

  message({ rule }, _state, level, value, place) {
    const label = METRICS[rule.metric].label;
    const where = placeText(place);
    const limit = formatQuantity(rule.metric, limitOf(rule, level));
    const measured = value === null ? '' : formatQuantity(rule.metric, value);
    const words = LEVEL_LIMIT_TEXT[level];
    const above = rule.direction === 'above';
    return {
      vi: `${label.vi} ${where.vi} là ${measured}, ${above ? 'vượt' : 'dưới'} ${words.vi} ${limit}`,
      en: `${label.en} ${where.en} is ${measured}, ${above ? 'above' : 'below'} the ${words.en} ${limit}`,
    };
  },
};

/** The limit the level was entered at. A level is only reached through a limit the rule sets. */
function limitOf(rule: ThresholdRule, level: AlertLevel): number {
  return (level === CRITICAL ? rule.critical : rule.warning) as number;
}
