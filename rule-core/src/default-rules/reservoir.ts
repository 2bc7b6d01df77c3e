import type { RuleInput } from './rule-input.js';

export const RESERVOIR_RULES: RuleInput[] = [
  {
    id: 'reservoir-water-level',
    version: 1,
    type: 'threshold',
    domain: 'reservoir',
    deviceKinds: ['reservoir-station'],
    name: { vi: 'Mực nước cao', en: 'High water level' },
    metric: 'waterLevel',
    direction: 'above',
    warning: 10.5,
    critical: 11.5,
    hysteresis: 0.1,
    forSeconds: 600,
    // Levels are heights above sea level and differ by metres between reservoirs: one domain-wide
    // value would alert on most of them all the time, so the template is off until set per station.
    enabled: false,
    source:
      'Template, off by default: water-level alerts are per-station configuration. Reservoirs take their levels from their operating procedure (Decree 114/2018/NĐ-CP), river stations from their flood alert levels (Decision 05/2020/QĐ-TTg). Turn it on for each station with a station-scoped rule of the same id, its own levels and enabled: true. The values here are an example only: the Red River at Hà Nội, alert level II (10.5 m) as warning and level III (11.5 m) as critical.',
  },
  {
    id: 'reservoir-rainfall-hourly',
    version: 1,
    type: 'threshold',
    domain: 'reservoir',
    name: { vi: 'Mưa lớn', en: 'Heavy rainfall' },
    metric: 'rainfall',
    direction: 'above',
    warning: 50,
    critical: 100,
    hysteresis: 5,
    forSeconds: 0,
    source:
      'Editable default, not from a standard: 50 mm (warning) and 100 mm (critical) of rain in one reading, meant for gauges that report hourly totals; a gauge that reports the rain since its previous reading needs the hourly sum of derived readings instead. The flash-flood and landslide bands of Decision 18/2021/QĐ-TTg (100–200, 200–400, > 400 mm) are 24-hour totals, which a single reading is not.',
  },
  {
    id: 'reservoir-level-rising',
    version: 1,
    type: 'rate-of-change',
    domain: 'reservoir',
    deviceKinds: ['reservoir-station'],
    name: { vi: 'Mực nước hồ dâng nhanh', en: 'Water level rising fast' },
    metric: 'waterLevel',
    maxRisePerMinute: 0.3 / 60,
    windowSeconds: 3600,
    minReadings: 6,
    source:
      'Editable default, not from a standard: rising faster than 30 cm per hour (least-squares slope over the last hour) matters before any level threshold. Each reservoir\'s operating procedure (Decree 114/2018/NĐ-CP) may set its own rate: override per station.',
  },
];
