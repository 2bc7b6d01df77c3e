import { METRICS, SavedAnomalySchema, type AnomalyRule, type MetricName, type SavedAnomaly } from '../../../../contracts/src/index.js';
import { fromSaved, toSaved } from '../../anomaly/saved-number.js';
import { AnomalyDetector } from '../../anomaly/anomaly-detector.js';
import { METRIC_INDEX } from '../physical-ranges.js';
import { NONE, severityLevel, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { formatNumber, formatQuantity, placeText } from '../wording.js';

export interface CompiledAnomaly extends CompiledRule<AnomalyRule> {
  readonly metric: MetricName;
  readonly level: AlertLevel;
  readonly clearAfterMs: number;
}

/** The detector, rebuilt when the rule's parameters change (a new baseline for new parameters). */
export interface AnomalyState {
  rule: AnomalyRule;
  detector: AnomalyDetector;
  /** Device time of the last reading the detector called anomalous. */
  lastAnomalousAt: number;
}

/**
 * A reading abnormal for this device (see AnomalyDetector): warm-up, seasonality and the
 * hysteresis between `threshold` and `clearScore` are the detector's; the alert opens while it
 * calls the readings anomalous and resolves when it no longer does, or once it has not for
 * `clearAfterSeconds`.
 */
export const anomalyKind: RuleKind<AnomalyRule, CompiledAnomaly, AnomalyState> = {
  compile(rule) {
    return { rule, metric: rule.metric, metricIndex: METRIC_INDEX[rule.metric], forMs: 0, level: severityLevel(rule.severity), clearAfterMs: rule.clearAfterSeconds * 1000 };
  },

  createState({ rule }) {
    return { rule, detector: new AnomalyDetector(rule), lastAnomalousAt: -Infinity };
  },

  evaluate(compiled, state, reading, metrics) {
    const ts = reading.ts;
    if (state.rule !== compiled.rule) {
      if (!sameParameters(state.rule, compiled.rule)) state.detector = new AnomalyDetector(compiled.rule);
      state.rule = compiled.rule;
    }
    if (state.detector.observe(ts, metrics.value[compiled.metricIndex]) === 'anomalous') {
      state.lastAnomalousAt = ts;
      return compiled.level;
    }
    return ts - state.lastAnomalousAt < compiled.clearAfterMs ? compiled.level : NONE;
  },

  saveState(state): SavedAnomaly {
    return { ...state.detector.save(), lastAnomalousAt: toSaved(state.lastAnomalousAt) };
  },

  loadState({ rule }, saved) {
    const parsed = SavedAnomalySchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const detector = new AnomalyDetector(rule);
    if (!detector.load(parsed.data)) return undefined;
    return { rule, detector, lastAnomalousAt: fromSaved(parsed.data.lastAnomalousAt) };
  },

  evidence({ rule }, state) {
    return {
      ...state.detector.evidence(),
      metric: rule.metric,
      unit: METRICS[rule.metric].unit,
      direction: rule.direction,
      windowSeconds: rule.windowSeconds ?? null,
      halfLifeSeconds: rule.halfLifeSeconds ?? null,
      warmupReadings: rule.warmupReadings,
      minDeviation: rule.minDeviation,
      clearAfterSeconds: rule.clearAfterSeconds,
    };
  },

  message({ rule }, state, _level, value, place) {
    const label = METRICS[rule.metric].label;
    const where = placeText(place);
    const e = state.detector.evidence();
    const measured = formatQuantity(rule.metric, value ?? e.value);
    const usual = `${formatNumber(e.expected)} ± ${formatQuantity(rule.metric, e.scale)}`;
    const high = e.score > 0;
    const hour = e.bucket === undefined ? null : rule.seasonality === 'hour-of-week' ? e.bucket % 24 : e.bucket;
    const when = hour === null ? { vi: '', en: '' } : { vi: ` vào khung ${hour}h`, en: ` at ${hour}:00` };
    return {
      vi: `${label.vi} ${where.vi} là ${measured}, ${high ? 'cao' : 'thấp'} bất thường so với bình thường${when.vi} (khoảng ${usual})`,
      en: `${label.en} ${where.en} is ${measured}, unusually ${high ? 'high' : 'low'} for this device${when.en} (usually ${usual})`,
    };
  },
};

const PARAMETERS = ['metric', 'method', 'windowSeconds', 'halfLifeSeconds', 'direction', 'threshold', 'clearScore', 'warmupReadings', 'warmupSeconds', 'seasonality', 'minDeviation'] as const;

/** Whether a new version of the rule can keep the baseline learned under the old one. */
function sameParameters(a: AnomalyRule, b: AnomalyRule): boolean {
  return PARAMETERS.every((name) => a[name] === b[name]);
}
