import { z } from 'zod';
import { AlertSeveritySchema } from './alert.js';
import { CameraEventTypeSchema } from './device-payloads.js';
import { METRICS, MetricNameSchema } from './metrics.js';
import { ruleBaseFields } from './rule-base.js';

/**
 * The windowed, data-quality and camera rule types. Each shares the base fields of every rule
 * (id, version, domain, scope, enabled, name, source) and adds a severity and its parameters.
 * Times are in seconds of device time; rates are per minute in the metric's own unit.
 */

const ruleBase = { ...ruleBaseFields, severity: AlertSeveritySchema.default('warning') };

const DAY = 24 * 3600;
const seconds = (max: number) => z.number().positive().max(max);

type Ctx = z.RefinementCtx;

function report(ctx: Ctx, path: (string | number)[], message: string) {
  ctx.addIssue({ code: 'custom', path, message });
}

/** A rule on one metric must sit in that metric's domain, or it could never see a reading. */
function checkMetricDomain(rule: { metric: keyof typeof METRICS; domain: string }, ctx: Ctx) {
  const metricDomain = METRICS[rule.metric].domain;
  if (metricDomain !== rule.domain) {
    report(ctx, ['metric'], `metric "${rule.metric}" belongs to domain "${metricDomain}", not "${rule.domain}"`);
  }
}

/**
 * Rise or fall faster than a limit. The rate is the least-squares slope of the readings in the
 * window (robust to one noisy reading) or, with `method: 'difference'`, newest minus oldest
 * over the time between them. `minReadings` stops two readings a second apart from deciding.
 */
export const RateOfChangeRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('rate-of-change'),
    metric: MetricNameSchema,
    maxRisePerMinute: z.number().positive().finite().optional(),
    maxFallPerMinute: z.number().positive().finite().optional(),
    windowSeconds: seconds(7 * DAY),
    method: z.enum(['least-squares', 'difference']).default('least-squares'),
    minReadings: z.number().int().min(2).max(10_000).default(3),
  })
  .superRefine((rule, ctx) => {
    checkMetricDomain(rule, ctx);
    if (rule.maxRisePerMinute === undefined && rule.maxFallPerMinute === undefined) {
      report(ctx, ['maxRisePerMinute'], 'set maxRisePerMinute, maxFallPerMinute or both (positive numbers, per minute)');
    }
  });
export type RateOfChangeRule = z.infer<typeof RateOfChangeRuleSchema>;

/**
 * A reading abnormal for this device: a robust z-score against recent readings.
 * - `median-mad`: |x − median| / (1.4826 × MAD) over the last `windowSeconds`.
 * - `ewma`: |x − mean| / std of an exponentially weighted mean and variance with `halfLifeSeconds`.
 * With seasonality the baseline is the same local hour (of the day or of the week), learned
 * with `halfLifeSeconds`; `median-mad` then scores the deviation from that hour's baseline
 * against the recent window of such deviations.
 * It opens at `threshold`, clears below `clearScore` (hysteresis), never before the warm-up,
 * and never for a deviation smaller than `minDeviation` (a flat series has a tiny MAD).
 * With `clearAfterSeconds` the alert resolves only once the readings have been normal that
 * long, so a burst of spikes is one alert for the operator rather than one per spike.
 */
export const AnomalyRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('anomaly'),
    metric: MetricNameSchema,
    method: z.enum(['median-mad', 'ewma']).default('median-mad'),
    windowSeconds: seconds(30 * DAY).optional(),
    halfLifeSeconds: seconds(365 * DAY).optional(),
    direction: z.enum(['both', 'above', 'below']).default('both'),
    threshold: z.number().positive().finite().default(6),
    clearScore: z.number().nonnegative().finite().default(3),
    warmupReadings: z.number().int().min(2).max(1_000_000).default(30),
    warmupSeconds: z.number().nonnegative().max(365 * DAY).default(0),
    seasonality: z.enum(['none', 'hour-of-day', 'hour-of-week']).default('none'),
    minDeviation: z.number().nonnegative().finite().default(0),
    clearAfterSeconds: z.number().nonnegative().max(7 * DAY).default(0),
  })
  .superRefine((rule, ctx) => {
    checkMetricDomain(rule, ctx);
    if (rule.method === 'median-mad' && rule.windowSeconds === undefined) {
      report(ctx, ['windowSeconds'], 'method "median-mad" needs windowSeconds (how far back the median and MAD look)');
    }
    if (rule.method === 'ewma' && rule.halfLifeSeconds === undefined) {
      report(ctx, ['halfLifeSeconds'], 'method "ewma" needs halfLifeSeconds (how fast old readings lose weight)');
    }
    if (rule.seasonality !== 'none' && rule.halfLifeSeconds === undefined) {
      report(ctx, ['halfLifeSeconds'], `seasonality "${rule.seasonality}" needs halfLifeSeconds (how fast each hour's baseline forgets), for example 7 days`);
    }
    if (rule.clearScore >= rule.threshold) {
      report(ctx, ['clearScore'], `clearScore must be below threshold (${rule.threshold}) so the alert can clear`);
    }
  });
export type AnomalyRule = z.infer<typeof AnomalyRuleSchema>;

/**
 * A stuck sensor: every reading within `tolerance` of each other for `minReadings` readings
 * and/or `minSeconds` (both must hold when both are set). It only fires for a series that has
 * varied before, so a metric that is legitimately constant from the start is not flagged.
 */
export const FlatlineRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('flatline'),
    metric: MetricNameSchema,
    tolerance: z.number().nonnegative().finite().default(0),
    minReadings: z.number().int().min(2).max(1_000_000).optional(),
    minSeconds: seconds(30 * DAY).optional(),
  })
  .superRefine((rule, ctx) => {
    checkMetricDomain(rule, ctx);
    if (rule.minReadings === undefined && rule.minSeconds === undefined) {
      report(ctx, ['minReadings'], 'set minReadings, minSeconds or both');
    }
  });
export type FlatlineRule = z.infer<typeof FlatlineRuleSchema>;

/**
 * A silent device: nothing received for `intervalMultiplier` × its usual report interval
 * (learned per device), and at least `minIntervalSeconds`. Nothing fires during the first
 * `startupGraceSeconds` after the processor starts, so a restart does not flag every device.
 */
export const MissingDataRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal('missing-data'),
  intervalMultiplier: z.number().min(1.5).max(1000).default(3),
  minIntervalSeconds: z.number().nonnegative().max(7 * DAY).default(120),
  startupGraceSeconds: z.number().nonnegative().max(DAY).default(600),
});
export type MissingDataRule = z.infer<typeof MissingDataRuleSchema>;

const RangeOverrideSchema = z
  .strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() })
  .superRefine((range, ctx) => {
    if (range.min === undefined && range.max === undefined) report(ctx, ['min'], 'set min, max or both');
    if (range.min !== undefined && range.max !== undefined && range.min >= range.max) {
      report(ctx, ['max'], `max must be above min (${range.min})`);
    }
  });

/**
 * Values the sensor cannot produce (negative rainfall, pH 15): a data-quality alert, and the
 * value is kept out of every statistical window. Ranges come from the METRICS catalogue;
 * `overrides` narrows or widens them per metric, `metrics` limits the check to some metrics.
 */
export const PhysicalRangeRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal('physical-range'),
  metrics: z.array(MetricNameSchema).min(1).optional(),
  overrides: z.partialRecord(MetricNameSchema, RangeOverrideSchema).default({}),
});
export type PhysicalRangeRule = z.infer<typeof PhysicalRangeRuleSchema>;

const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const LocalTimeSchema = z.string().regex(LOCAL_TIME, 'use 24-hour local time "HH:MM", for example "06:00"');

/** Minutes after local midnight of a validated "HH:MM". */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** A period runs from `from` up to (not including) `to`; `to` before `from` runs past midnight. */
const TimePeriodSchema = z.strictObject({
  from: LocalTimeSchema,
  to: LocalTimeSchema,
  warning: z.number().finite().optional(),
  critical: z.number().finite().optional(),
});

/** The minute ranges [start, end) a period covers within one day. */
function periodRanges(period: { from: string; to: string }): [number, number][] {
  const from = minutesOfDay(period.from);
  const to = minutesOfDay(period.to);
  return from < to ? [[from, to]] : [[from, 1440], [0, to]];
}

/**
 * A limit that depends on local time, Asia/Ho_Chi_Minh (UTC+7, no daylight saving): noise
 * 70 dBA from 06:00 to 21:00 and 55 dBA from 21:00 to 06:00 (QCVN 26:2010). Outside every
 * period the rule does not apply. Hysteresis and `forSeconds` work as in the threshold rule.
 */
export const TimeOfDayThresholdRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('time-of-day-threshold'),
    metric: MetricNameSchema,
    direction: z.enum(['above', 'below']),
    periods: z.array(TimePeriodSchema).min(1).max(24),
    timezone: z.literal('Asia/Ho_Chi_Minh').default('Asia/Ho_Chi_Minh'),
    hysteresis: z.number().finite().nonnegative().default(0),
    forSeconds: z.number().nonnegative().max(7 * DAY).default(0),
  })
  .superRefine((rule, ctx) => {
    checkMetricDomain(rule, ctx);
    rule.periods.forEach((period, index) => {
      const at = (field: string) => ['periods', index, field];
      if (period.from === period.to) {
        report(ctx, at('to'), 'to must differ from from; for a limit that holds all day use a threshold rule');
      }
      if (period.warning === undefined && period.critical === undefined) {
        report(ctx, at('warning'), 'set warning, critical or both');
      }
      if (period.warning !== undefined && period.critical !== undefined) {
        const ordered = rule.direction === 'above' ? period.critical >= period.warning : period.critical <= period.warning;
        if (!ordered) {
          report(ctx, at('critical'), `critical must be ${rule.direction === 'above' ? 'at or above' : 'at or below'} warning (${period.warning}) for direction "${rule.direction}"`);
        }
      }
      if (period.from === period.to) return;
      for (let other = 0; other < index; other++) {
        const earlier = rule.periods[other];
        if (earlier.from === earlier.to) continue;
        const overlaps = periodRanges(period).some(([s1, e1]) => periodRanges(earlier).some(([s2, e2]) => s1 < e2 && s2 < e1));
        if (overlaps) report(ctx, at('from'), `period ${period.from}–${period.to} overlaps periods[${other}] (${earlier.from}–${earlier.to})`);
      }
    });
  });
export type TimeOfDayThresholdRule = z.infer<typeof TimeOfDayThresholdRuleSchema>;

/**
 * At least `minCount` camera events of the given types, each at least `minConfidence`, within
 * `windowSeconds`, counted per camera or per site. The alert clears once no such event has
 * arrived for `clearAfterSeconds`.
 */
export const CameraEventCountRuleSchema = z
  .strictObject({
    ...ruleBase,
    type: z.literal('camera-event-count'),
    eventTypes: z.array(CameraEventTypeSchema).min(1),
    minCount: z.number().int().min(1).max(100_000),
    windowSeconds: seconds(DAY),
    groupBy: z.enum(['device', 'site']).default('device'),
    minConfidence: z.number().min(0).max(1).default(0.5),
    clearAfterSeconds: seconds(DAY).default(600),
  })
  .superRefine((rule, ctx) => {
    if (rule.domain !== 'traffic') report(ctx, ['domain'], 'camera events belong to the "traffic" domain');
    rule.eventTypes.forEach((type, index) => {
      if (rule.eventTypes.indexOf(type) !== index) report(ctx, ['eventTypes', index], `"${type}" is listed twice`);
    });
  });
export type CameraEventCountRule = z.infer<typeof CameraEventCountRuleSchema>;

/** The rule types above, for the RuleSchema union. */
export const RULE_KIND_SCHEMAS = [
  RateOfChangeRuleSchema,
  AnomalyRuleSchema,
  FlatlineRuleSchema,
  MissingDataRuleSchema,
  PhysicalRangeRuleSchema,
  TimeOfDayThresholdRuleSchema,
  CameraEventCountRuleSchema,
] as const;
