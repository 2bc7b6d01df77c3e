import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { formatPath } from '../../platform/src/index.js';
import {
  AnomalyRuleSchema,
  CameraEventCountRuleSchema,
  FlatlineRuleSchema,
  MissingDataRuleSchema,
  PhysicalRangeRuleSchema,
  RateOfChangeRuleSchema,
  TimeOfDayThresholdRuleSchema,
  minutesOfDay,
} from '../src/rule-kinds.js';

const base = { id: 'r1', version: 1, name: { vi: 'Quy tắc', en: 'Rule' } };

/** `path: message` of every issue, as operators see them when a rule set is refused. */
function issues(schema: z.ZodType, rule: unknown): string[] {
  const result = schema.safeParse(rule);
  return result.success ? [] : result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

describe('rate-of-change rule', () => {
  const rule = { ...base, domain: 'reservoir', type: 'rate-of-change', metric: 'waterLevel', maxRisePerMinute: 0.005, windowSeconds: 3600 };

  it('fills its defaults', () => {
    expect(RateOfChangeRuleSchema.parse(rule)).toMatchObject({ severity: 'warning', method: 'least-squares', minReadings: 3, enabled: true, scope: { level: 'domain' } });
  });

  it('needs a rise or a fall limit', () => {
    expect(issues(RateOfChangeRuleSchema, { ...rule, maxRisePerMinute: undefined })).toEqual(['maxRisePerMinute: set maxRisePerMinute, maxFallPerMinute or both (positive numbers, per minute)']);
  });

  it('refuses a metric of another domain', () => {
    expect(issues(RateOfChangeRuleSchema, { ...rule, metric: 'pm25' })).toEqual(['metric: metric "pm25" belongs to domain "environment", not "reservoir"']);
  });

  it('names the field of a bad number', () => {
    expect(issues(RateOfChangeRuleSchema, { ...rule, windowSeconds: -5 })[0]).toMatch(/^windowSeconds: /);
    expect(issues(RateOfChangeRuleSchema, { ...rule, severity: 'urgent' })[0]).toMatch(/^severity: /);
  });
});

describe('anomaly rule', () => {
  const rule = { ...base, domain: 'traffic', type: 'anomaly', metric: 'vehicleCount', windowSeconds: 6 * 3600 };

  it('fills its defaults', () => {
    expect(AnomalyRuleSchema.parse(rule)).toMatchObject({ method: 'median-mad', threshold: 6, clearScore: 3, warmupReadings: 30, warmupSeconds: 0, seasonality: 'none', direction: 'both', minDeviation: 0 });
  });

  it('asks for the window or half-life its method and seasonality need', () => {
    expect(issues(AnomalyRuleSchema, { ...rule, windowSeconds: undefined })).toEqual(['windowSeconds: method "median-mad" needs windowSeconds (how far back the median and MAD look)']);
    expect(issues(AnomalyRuleSchema, { ...rule, method: 'ewma' })).toEqual(['halfLifeSeconds: method "ewma" needs halfLifeSeconds (how fast old readings lose weight)']);
    expect(issues(AnomalyRuleSchema, { ...rule, seasonality: 'hour-of-week' })[0]).toMatch(/^halfLifeSeconds: seasonality "hour-of-week" needs halfLifeSeconds/);
    expect(issues(AnomalyRuleSchema, { ...rule, seasonality: 'hour-of-day', halfLifeSeconds: 7 * 86400 })).toEqual([]);
  });

  it('needs clearScore below threshold, or the alert could never clear', () => {
    expect(issues(AnomalyRuleSchema, { ...rule, threshold: 4, clearScore: 4 })).toEqual(['clearScore: clearScore must be below threshold (4) so the alert can clear']);
  });
});

describe('flatline rule', () => {
  const rule = { ...base, domain: 'environment', type: 'flatline', metric: 'ph', minReadings: 12 };

  it('needs a number of readings or a duration', () => {
    expect(FlatlineRuleSchema.parse(rule).tolerance).toBe(0);
    expect(issues(FlatlineRuleSchema, { ...rule, minReadings: undefined })).toEqual(['minReadings: set minReadings, minSeconds or both']);
    expect(issues(FlatlineRuleSchema, { ...rule, minReadings: 1 })[0]).toMatch(/^minReadings: /);
  });
});

describe('missing-data rule', () => {
  it('has defaults that tolerate a restart', () => {
    expect(MissingDataRuleSchema.parse({ ...base, domain: 'lighting', type: 'missing-data' })).toMatchObject({ intervalMultiplier: 3, minIntervalSeconds: 120, startupGraceSeconds: 600 });
    expect(issues(MissingDataRuleSchema, { ...base, domain: 'lighting', type: 'missing-data', intervalMultiplier: 1 })[0]).toMatch(/^intervalMultiplier: /);
  });
});

describe('physical-range rule', () => {
  const rule = { ...base, domain: 'reservoir', type: 'physical-range' };

  it('uses the catalogue ranges unless overridden', () => {
    expect(PhysicalRangeRuleSchema.parse(rule).overrides).toEqual({});
    expect(PhysicalRangeRuleSchema.parse({ ...rule, overrides: { waterLevel: { min: 10, max: 80 } } }).overrides.waterLevel).toEqual({ min: 10, max: 80 });
  });

  it('names the metric of a bad override', () => {
    expect(issues(PhysicalRangeRuleSchema, { ...rule, overrides: { waterLevel: { min: 80, max: 10 } } })).toEqual(['overrides.waterLevel.max: max must be above min (80)']);
    expect(issues(PhysicalRangeRuleSchema, { ...rule, overrides: { waterLevel: {} } })).toEqual(['overrides.waterLevel.min: set min, max or both']);
    expect(issues(PhysicalRangeRuleSchema, { ...rule, overrides: { depth: { max: 3 } } })[0]).toMatch(/^overrides/);
  });
});

describe('time-of-day threshold rule', () => {
  const noise = {
    ...base,
    domain: 'environment',
    type: 'time-of-day-threshold',
    metric: 'noise',
    direction: 'above',
    source: 'QCVN 26:2010/BTNMT, normal zone',
    periods: [
      { from: '06:00', to: '21:00', warning: 70 },
      { from: '21:00', to: '06:00', warning: 55 },
    ],
  };

  it('accepts day and night limits that wrap past midnight, in Vietnam time', () => {
    expect(TimeOfDayThresholdRuleSchema.parse(noise)).toMatchObject({ timezone: 'Asia/Ho_Chi_Minh', hysteresis: 0, forSeconds: 0, severity: 'warning' });
    expect(minutesOfDay('21:30')).toBe(21 * 60 + 30);
  });

  it('names the period at fault', () => {
    expect(issues(TimeOfDayThresholdRuleSchema, { ...noise, periods: [{ from: '6:00', to: '21:00', warning: 70 }] })).toEqual([
      'periods[0].from: use 24-hour local time "HH:MM", for example "06:00"',
    ]);
    expect(issues(TimeOfDayThresholdRuleSchema, { ...noise, periods: [{ from: '06:00', to: '21:00' }] })).toEqual(['periods[0].warning: set warning, critical or both']);
    expect(issues(TimeOfDayThresholdRuleSchema, { ...noise, periods: [{ from: '06:00', to: '21:00', warning: 70, critical: 60 }] })).toEqual([
      'periods[0].critical: critical must be at or above warning (70) for direction "above"',
    ]);
    expect(issues(TimeOfDayThresholdRuleSchema, { ...noise, periods: [{ from: '06:00', to: '06:00', warning: 70 }] })[0]).toMatch(/^periods\[0\]\.to: /);
  });

  it('refuses overlapping periods, including across midnight', () => {
    const overlapping = { ...noise, periods: [...noise.periods, { from: '05:00', to: '05:30', warning: 50 }] };
    expect(issues(TimeOfDayThresholdRuleSchema, overlapping)).toEqual(['periods[2].from: period 05:00–05:30 overlaps periods[1] (21:00–06:00)']);
  });

  it('only knows Vietnam time', () => {
    expect(issues(TimeOfDayThresholdRuleSchema, { ...noise, timezone: 'Asia/Bangkok' })[0]).toMatch(/^timezone: /);
  });
});

describe('camera-event-count rule', () => {
  const rule = { ...base, domain: 'traffic', type: 'camera-event-count', eventTypes: ['crowd'], minCount: 5, windowSeconds: 600 };

  it('fills its defaults', () => {
    expect(CameraEventCountRuleSchema.parse(rule)).toMatchObject({ groupBy: 'device', minConfidence: 0.5, clearAfterSeconds: 600 });
  });

  it('names the field at fault', () => {
    expect(issues(CameraEventCountRuleSchema, { ...rule, domain: 'lighting' })).toEqual(['domain: camera events belong to the "traffic" domain']);
    expect(issues(CameraEventCountRuleSchema, { ...rule, eventTypes: ['crowd', 'crowd'] })).toEqual(['eventTypes[1]: "crowd" is listed twice']);
    expect(issues(CameraEventCountRuleSchema, { ...rule, eventTypes: ['fire'] })[0]).toMatch(/^eventTypes\[0\]: /);
    expect(issues(CameraEventCountRuleSchema, { ...rule, minConfidence: 1.5 })[0]).toMatch(/^minConfidence: /);
  });
});
