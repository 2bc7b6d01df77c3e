import type { Domain } from '../../../contracts/src/index.js';
import type { RuleInput } from './rule-input.js';

/**
 * Data-quality rules for every domain: values the sensor cannot produce (kept out of every other
 * rule), devices gone quiet, and sensors stuck on one value. Editable defaults, not from a standard.
 */
const DOMAINS: Array<{ domain: Domain; vi: string; en: string }> = [
  { domain: 'environment', vi: 'quan trắc môi trường', en: 'environmental monitoring' },
  { domain: 'traffic', vi: 'giao thông', en: 'traffic' },
  { domain: 'reservoir', vi: 'hồ chứa và mưa', en: 'reservoir and rainfall' },
  { domain: 'lighting', vi: 'chiếu sáng', en: 'street lighting' },
];

const PHYSICAL_RANGE: RuleInput[] = DOMAINS.map(({ domain, vi, en }) => ({
  id: `${domain}-physical-range`,
  version: 1,
  type: 'physical-range',
  domain,
  name: { vi: `Số liệu ${vi} ngoài khoảng đo được`, en: `${en[0].toUpperCase()}${en.slice(1)} value the sensor cannot produce` },
  source: 'Editable default: the ranges of the metrics catalogue (contracts/src/metrics.ts); narrow or widen one per station with `overrides`.',
}));

const MISSING_DATA: RuleInput[] = DOMAINS.map(({ domain, vi, en }) => ({
  id: `${domain}-silent`,
  version: 1,
  type: 'missing-data',
  domain,
  // Cameras send events only when something happens: their silence means nothing.
  ...(domain === 'traffic' ? { deviceKinds: ['traffic-counter'] as const } : {}),
  name: { vi: `Thiết bị ${vi} mất tín hiệu`, en: `${en[0].toUpperCase()}${en.slice(1)} device gone quiet` },
  intervalMultiplier: 5,
  minIntervalSeconds: 600,
  startupGraceSeconds: 900,
  source: 'Editable default, not from a standard: nothing received for 5 times the device\'s usual report interval and at least 10 minutes; nothing fires in the first 15 minutes after the processor starts.',
}));

const STUCK = 'Editable default, not from a standard: the value has not changed at all';

const FLATLINE: RuleInput[] = [
  {
    id: 'env-air-pm25-stuck',
    version: 1,
    type: 'flatline',
    domain: 'environment',
    deviceKinds: ['air-station'],
    name: { vi: 'Cảm biến PM2.5 có thể bị treo', en: 'PM2.5 sensor may be stuck' },
    metric: 'pm25',
    tolerance: 0,
    minReadings: 12,
    minSeconds: 6 * 3600,
    source: `${STUCK} for 6 hours and 12 readings, which ambient PM2.5 at 0.1 µg/m³ resolution never does.`,
  },
  {
    id: 'env-water-ph-stuck',
    version: 1,
    type: 'flatline',
    domain: 'environment',
    deviceKinds: ['surface-water-station', 'wastewater-station'],
    name: { vi: 'Cảm biến pH có thể bị treo', en: 'pH probe may be stuck' },
    metric: 'ph',
    tolerance: 0,
    minReadings: 12,
    minSeconds: 12 * 3600,
    source: `${STUCK} for 12 hours and 12 readings at 0.01 pH resolution: a fouled or failed probe.`,
  },
  {
    id: 'reservoir-level-stuck',
    version: 1,
    type: 'flatline',
    domain: 'reservoir',
    deviceKinds: ['reservoir-station'],
    name: { vi: 'Cảm biến mực nước có thể bị treo', en: 'Water-level sensor may be stuck' },
    metric: 'waterLevel',
    tolerance: 0,
    minReadings: 12,
    minSeconds: 24 * 3600,
    source: `${STUCK} for 24 hours and 12 readings at 1 cm resolution, while inflow and release move every reservoir's level.`,
  },
  {
    id: 'lighting-voltage-stuck',
    version: 1,
    type: 'flatline',
    domain: 'lighting',
    deviceKinds: ['lighting-cabinet'],
    name: { vi: 'Đo điện áp có thể bị treo', en: 'Voltage reading may be stuck' },
    metric: 'voltage',
    tolerance: 0,
    minReadings: 12,
    minSeconds: 6 * 3600,
    source: `${STUCK} for 6 hours and 12 readings: mains voltage at 0.1 V resolution always moves, so the cabinet's meter has frozen.`,
  },
];

export const DATA_QUALITY_RULES: RuleInput[] = [...PHYSICAL_RANGE, ...MISSING_DATA, ...FLATLINE];
