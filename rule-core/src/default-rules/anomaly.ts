import type { RuleInput } from './rule-input.js';

/**
 * Statistical anomaly rules per domain: readings unusual for this device (at this local hour,
 * for the seasonal ones). EWMA baselines cost O(1) per reading; median/MAD windows are kept for
 * where a robust median matters. Each waits two days of warm-up, ignores deviations too small
 * to matter to an operator (`minDeviation`), and stays one alert while a disturbance lasts
 * (`clearAfterSeconds`). Editable defaults, not from a standard.
 */
const EDITABLE = 'Editable default, not from a standard: the device is compared with its own history';
const WARMUP = { warmupReadings: 24, warmupSeconds: 2 * 24 * 3600 } as const;
const WEEK = 7 * 24 * 3600;

export const ANOMALY_RULES: RuleInput[] = [
  {
    id: 'env-air-pm25-unusual',
    version: 1,
    type: 'anomaly',
    domain: 'environment',
    deviceKinds: ['air-station'],
    name: { vi: 'Bụi PM2.5 bất thường so với cùng giờ các ngày trước', en: 'PM2.5 unusual for this hour of the day' },
    metric: 'pm25',
    method: 'ewma',
    halfLifeSeconds: WEEK,
    seasonality: 'hour-of-day',
    direction: 'above',
    threshold: 6,
    clearScore: 2,
    minDeviation: 40,
    clearAfterSeconds: 3600,
    ...WARMUP,
    source: `${EDITABLE} at the same local hour (half-life 7 days); opens 6 standard deviations and at least 40 µg/m³ above it, so a local source (a fire, construction) shows before any daily limit is reached.`,
  },
  {
    id: 'traffic-volume-unusual',
    version: 1,
    type: 'anomaly',
    domain: 'traffic',
    deviceKinds: ['traffic-counter'],
    name: { vi: 'Lưu lượng xe bất thường so với cùng giờ các ngày trước', en: 'Traffic volume unusual for this hour of the day' },
    metric: 'vehicleCount',
    method: 'ewma',
    halfLifeSeconds: WEEK,
    seasonality: 'hour-of-day',
    threshold: 6,
    clearScore: 2,
    minDeviation: 40,
    clearAfterSeconds: 1800,
    ...WARMUP,
    source: `${EDITABLE} at the same local hour (half-life 7 days): rush hours are compared with earlier rush hours. Opens 6 standard deviations and at least 40 vehicles per period away; a road closed or an event nearby.`,
  },
  {
    id: 'lighting-power-unusual',
    version: 1,
    type: 'anomaly',
    domain: 'lighting',
    deviceKinds: ['lighting-cabinet'],
    name: { vi: 'Công suất tủ điện chiếu sáng bất thường so với cùng giờ các ngày trước', en: 'Lighting cabinet power unusual for this hour of the day' },
    metric: 'power',
    method: 'ewma',
    halfLifeSeconds: WEEK,
    seasonality: 'hour-of-day',
    threshold: 6,
    clearScore: 2,
    minDeviation: 300,
    clearAfterSeconds: 3600,
    ...WARMUP,
    source: `${EDITABLE} at the same local hour (half-life 7 days), so the switching and dimming schedule is learned: a circuit burning by day, dark at night, or drawing 300 W more or less than usual (lamps failing, a cable fault, theft). Per cabinet rather than per lamp: one meter sees the whole circuit, each lamp's own faults come from its controller (lighting-faults), and it costs the rule engine one baseline per circuit instead of one per lamp.`,
  },
  {
    id: 'reservoir-inflow-unusual',
    version: 1,
    type: 'anomaly',
    domain: 'reservoir',
    deviceKinds: ['reservoir-station'],
    name: { vi: 'Lưu lượng đến hồ tăng bất thường', en: 'Reservoir inflow unusually high' },
    metric: 'inflow',
    method: 'median-mad',
    windowSeconds: 2 * 24 * 3600,
    direction: 'above',
    threshold: 8,
    clearScore: 3,
    minDeviation: 50,
    clearAfterSeconds: 3 * 3600,
    ...WARMUP,
    source: `${EDITABLE} over the last 2 days, by median and MAD, which a flood wave does not drag along as fast as a mean; opens 8 robust standard deviations and at least 50 m³/s above the median. Gated reservoirs monitor inflow under Decree 114/2018/NĐ-CP; their operating procedure sets the actual levels.`,
  },
];
