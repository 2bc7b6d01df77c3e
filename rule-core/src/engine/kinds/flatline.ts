import { METRICS, SavedFlatlineSchema, type FlatlineRule, type MetricName, type SavedFlatline } from '../../../../contracts/src/index.js';
import { FlatlineTracker } from '../../anomaly/flatline.js';
import { METRIC_INDEX } from '../physical-ranges.js';
import { NONE, severityLevel, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { formatNumber, formatQuantity, placeText } from '../wording.js';

export interface CompiledFlatline extends CompiledRule<FlatlineRule> {
  readonly metric: MetricName;
  readonly level: AlertLevel;
  readonly minReadings: number;
  readonly minMs: number;
}


/**
 * A stuck sensor: the value has stayed within `tolerance` for the rule's readings and/or time,
 * after having varied before. The alert resolves with the first reading that moves.
 */
export const flatlineKind: RuleKind<FlatlineRule, CompiledFlatline, FlatlineTracker> = {
  compile(rule) {
    return {
      rule,
      metric: rule.metric,
      metricIndex: METRIC_INDEX[rule.metric],
      forMs: 0,
      level: severityLevel(rule.severity),
      minReadings: rule.minReadings ?? 0,
      minMs: (rule.minSeconds ?? 0) * 1000,
    };
  },

  createState({ rule }) {
    return new FlatlineTracker(rule.tolerance);
  },

  evaluate(rule, run, reading, metrics) {
    if (run.tolerance !== rule.rule.tolerance) run.retune(rule.rule.tolerance);
    run.push(reading.ts, metrics.value[rule.metricIndex]);
    return run.changes > 0 && run.readings >= rule.minReadings && run.durationMs >= rule.minMs ? rule.level : NONE;
  },

  saveState(run): SavedFlatline {
    return run.save();
  },

  loadState({ rule }, saved) {
    const parsed = SavedFlatlineSchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const run = new FlatlineTracker(rule.tolerance);
    run.load(parsed.data);
    return run;
  },

  evidence({ rule }, run, _level, value) {
    return {
      metric: rule.metric,
      unit: METRICS[rule.metric].unit,
      value,
      flatSince: run.since,
      flatReadings: run.readings,
      flatSeconds: run.durationMs / 1000,
      min: run.min,
      max: run.max,
      tolerance: rule.tolerance,
      minReadings: rule.minReadings ?? null,
      minSeconds: rule.minSeconds ?? null,
    };
  },

  message({ rule }, run, _level, value, place) {
    const label = METRICS[rule.metric].label;
    const where = placeText(place);
    const measured = formatQuantity(rule.metric, value ?? run.max);
    const minutes = formatNumber(run.durationMs / 60_000);
    return {
      vi: `${label.vi} ${where.vi} đứng yên ở ${measured} qua ${run.readings} lần đo (${minutes} phút): có thể cảm biến bị treo`,
      en: `${label.en} ${where.en} has stayed at ${measured} for ${run.readings} readings (${minutes} minutes): the sensor may be stuck`,
    };
  },
};
