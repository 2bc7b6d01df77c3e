import { METRICS, type MetricName, type PhysicalRangeRule } from '../../../../contracts/src/index.js';
import { METRIC_INDEX, METRIC_NAMES, metricRanges, type MetricRanges } from '../physical-ranges.js';
import { NONE, severityLevel, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { formatQuantity, placeText } from '../wording.js';

export interface CompiledPhysicalRange extends CompiledRule<PhysicalRangeRule> {
  readonly metric: null;
  readonly level: AlertLevel;
  readonly ranges: MetricRanges;
  /** 1 for the metrics the rule checks, by metric index. */
  readonly checked: Uint8Array;
}

/** The first metric of the last reading that was out of range. */
export interface PhysicalRangeState {
  metric: MetricName | null;
  value: number;
}

/**
 * Values the sensor cannot produce: a data-quality alert per device while its readings carry
 * one, resolved by the first reading whose checked metrics are all in range. The ranges also
 * reach the engine (`ranges`), which keeps such values away from every other rule.
 */
export const physicalRangeKind: RuleKind<PhysicalRangeRule, CompiledPhysicalRange, PhysicalRangeState> = {
  compile(rule) {
    const checked = new Uint8Array(Object.keys(METRIC_INDEX).length);
    for (const name of rule.metrics ?? (Object.keys(METRIC_INDEX) as MetricName[])) checked[METRIC_INDEX[name]] = 1;
    return { rule, metric: null, metricIndex: -1, forMs: 0, level: severityLevel(rule.severity), ranges: metricRanges(rule.overrides), checked };
  },

  createState() {
    return { metric: null, value: NaN };
  },

  evaluate(rule, state, _reading, metrics) {
    const { low, high } = rule.ranges;
    const { order, value: values } = metrics;
    for (let j = 0; j < metrics.count; j++) {
      const m = order[j];
      const value = values[m];
      if (rule.checked[m] === 1 && (value < low[m] || value > high[m])) {
        state.metric = METRIC_NAMES[m];
        state.value = value;
        return rule.level;
      }
    }
    return NONE;
  },

  evidence(rule, state) {
    const metric = state.metric!;
    const m = METRIC_INDEX[metric];
    return {
      metric,
      unit: METRICS[metric].unit,
      value: state.value,
      min: rule.ranges.low[m],
      max: rule.ranges.high[m],
      dataQuality: true,
    };
  },

  message(rule, state, _level, _value, place) {
    const metric = state.metric!;
    const m = METRIC_INDEX[metric];
    const label = METRICS[metric].label;
    const where = placeText(place);
    const value = formatQuantity(metric, state.value);
    const range = `${formatQuantity(metric, rule.ranges.low[m])} – ${formatQuantity(metric, rule.ranges.high[m])}`;
    return {
      vi: `Lỗi dữ liệu ${where.vi}: ${label.vi} báo ${value}, ngoài khoảng cảm biến có thể đo (${range}); giá trị này không được dùng để đánh giá`,
      en: `Data-quality problem ${where.en}: ${label.en} reads ${value}, outside what the sensor can measure (${range}); the value is left out of every other rule`,
    };
  },
};
