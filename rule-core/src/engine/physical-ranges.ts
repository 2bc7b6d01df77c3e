import { METRICS, type MetricName } from '../../../contracts/src/index.js';

/** Every metric, in the catalogue's order; a metric's index selects its slot in MetricRanges. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
export const METRIC_INDEX = Object.fromEntries(METRIC_NAMES.map((name, index) => [name, index])) as Record<MetricName, number>;

/**
 * The values a device's sensors can produce, per metric index: outside [low, high] a value is a
 * data-quality problem. Arrays rather than a map so the engine's hot path checks a value with
 * two indexed loads.
 */
export interface MetricRanges {
  readonly low: Float64Array;
  readonly high: Float64Array;
}

/** The METRICS catalogue's ranges, with `overrides` replacing a bound per metric. */
export function metricRanges(overrides: Partial<Record<MetricName, { min?: number; max?: number }>> = {}): MetricRanges {
  const low = new Float64Array(METRIC_NAMES.length);
  const high = new Float64Array(METRIC_NAMES.length);
  METRIC_NAMES.forEach((name, index) => {
    const [min, max] = METRICS[name].range;
    low[index] = overrides[name]?.min ?? min;
    high[index] = overrides[name]?.max ?? max;
  });
  return { low, high };
}

/** The catalogue's ranges, for devices no physical-range rule narrows or widens. */
export const CATALOGUE_RANGES = metricRanges();
