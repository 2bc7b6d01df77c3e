import { z } from 'zod';
import type { Domain } from './domains.js';

/**
 * Every measured quantity a reading may carry, with its unit and the range the sensor can
 * physically produce. Values outside that range are data-quality problems, not pollution events.
 * Units follow ../shared/domain/STANDARDS.md (air in µg/m³ as QCVN 05:2023 and VN_AQI use them).
 */
export const METRICS = {
  pm25: { domain: 'environment', unit: 'µg/m³', label: { vi: 'Bụi PM2.5', en: 'PM2.5' }, range: [0, 2000] },
  pm10: { domain: 'environment', unit: 'µg/m³', label: { vi: 'Bụi PM10', en: 'PM10' }, range: [0, 3000] },
  no2: { domain: 'environment', unit: 'µg/m³', label: { vi: 'NO2', en: 'NO2' }, range: [0, 10000] },
  so2: { domain: 'environment', unit: 'µg/m³', label: { vi: 'SO2', en: 'SO2' }, range: [0, 10000] },
  co: { domain: 'environment', unit: 'µg/m³', label: { vi: 'CO', en: 'CO' }, range: [0, 200000] },
  o3: { domain: 'environment', unit: 'µg/m³', label: { vi: 'O3', en: 'O3' }, range: [0, 3000] },
  noise: { domain: 'environment', unit: 'dBA', label: { vi: 'Tiếng ồn', en: 'Noise' }, range: [20, 140] },
  ph: { domain: 'environment', unit: 'pH', label: { vi: 'pH', en: 'pH' }, range: [0, 14] },
  dissolvedOxygen: { domain: 'environment', unit: 'mg/L', label: { vi: 'Oxy hòa tan (DO)', en: 'Dissolved oxygen' }, range: [0, 20] },
  cod: { domain: 'environment', unit: 'mg/L', label: { vi: 'COD', en: 'COD' }, range: [0, 5000] },
  tss: { domain: 'environment', unit: 'mg/L', label: { vi: 'Chất rắn lơ lửng (TSS)', en: 'TSS' }, range: [0, 10000] },
  ammonium: { domain: 'environment', unit: 'mg/L', label: { vi: 'Amoni (NH4+ theo N)', en: 'Ammonium (NH4+ as N)' }, range: [0, 500] },
  waterTemperature: { domain: 'environment', unit: '°C', label: { vi: 'Nhiệt độ nước', en: 'Water temperature' }, range: [0, 60] },
  vehicleCount: { domain: 'traffic', unit: 'vehicles', label: { vi: 'Lưu lượng xe', en: 'Vehicle count' }, range: [0, 100000] },
  meanSpeed: { domain: 'traffic', unit: 'km/h', label: { vi: 'Tốc độ trung bình', en: 'Mean speed' }, range: [0, 200] },
  occupancy: { domain: 'traffic', unit: '%', label: { vi: 'Độ chiếm dụng', en: 'Occupancy' }, range: [0, 100] },
  waterLevel: { domain: 'reservoir', unit: 'm', label: { vi: 'Mực nước', en: 'Water level' }, range: [-50, 3000] },
  rainfall: { domain: 'reservoir', unit: 'mm', label: { vi: 'Lượng mưa', en: 'Rainfall' }, range: [0, 500] },
  inflow: { domain: 'reservoir', unit: 'm³/s', label: { vi: 'Lưu lượng đến hồ', en: 'Inflow' }, range: [0, 100000] },
  gateOpening: { domain: 'reservoir', unit: '%', label: { vi: 'Độ mở cửa xả tràn', en: 'Spillway gate opening' }, range: [0, 100] },
  power: { domain: 'lighting', unit: 'W', label: { vi: 'Công suất', en: 'Power' }, range: [0, 100000] },
  voltage: { domain: 'lighting', unit: 'V', label: { vi: 'Điện áp', en: 'Voltage' }, range: [0, 500] },
  current: { domain: 'lighting', unit: 'A', label: { vi: 'Dòng điện', en: 'Current' }, range: [0, 500] },
  dimming: { domain: 'lighting', unit: '%', label: { vi: 'Mức điều sáng', en: 'Dimming level' }, range: [0, 100] },
  /**
   * VN_AQI (Decision 1459/QĐ-TCMT), computed by the processor per air-quality station and
   * published as derived readings: `derived: 'vn-aqi-hourly'` or `'vn-aqi-daily'`. Hourly means
   * keep their metric's own name with `derived: 'hourly-mean'`, so a rule picks them by `derived`.
   */
  vnAqi: { domain: 'environment', unit: 'index', label: { vi: 'Chỉ số chất lượng không khí VN_AQI', en: 'VN_AQI' }, range: [0, 500] },
  faults: { domain: 'lighting', unit: 'count', label: { vi: 'Số lỗi đang có', en: 'Active faults' }, range: [0, 32] },
} as const satisfies Record<string, MetricInfo>;

export interface MetricInfo {
  domain: Domain;
  unit: string;
  label: { vi: string; en: string };
  /** What the sensor can physically report; outside it the value is a data-quality problem. */
  range: readonly [number, number];
}

export type MetricName = keyof typeof METRICS;
export const MetricNameSchema = z.enum(Object.keys(METRICS) as [MetricName, ...MetricName[]]);
