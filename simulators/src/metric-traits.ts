import { METRICS, type MetricName } from '../../contracts/src/index.js';

export type Values = Partial<Record<MetricName, number>>;

interface MetricTraits {
  /** Decimals a real sensor reports. */
  decimals: number;
  /** A typical magnitude: injected drift and spikes are sized in these units. */
  scale: number;
  /** Spikes of this metric go down (a failing oxygen probe reads low, a jammed loop reads slow traffic). */
  spikesDown?: true;
  /** A commanded setting rather than a measurement: sensor faults do not touch it. */
  setpoint?: true;
}

export const METRIC_TRAITS: Record<MetricName, MetricTraits> = {
  pm25: { decimals: 1, scale: 50 },
  pm10: { decimals: 1, scale: 80 },
  no2: { decimals: 1, scale: 50 },
  so2: { decimals: 1, scale: 60 },
  co: { decimals: 0, scale: 4000 },
  o3: { decimals: 1, scale: 50 },
  noise: { decimals: 1, scale: 8 },
  ph: { decimals: 2, scale: 0.8 },
  dissolvedOxygen: { decimals: 2, scale: 1.5, spikesDown: true },
  cod: { decimals: 1, scale: 30 },
  tss: { decimals: 1, scale: 40 },
  ammonium: { decimals: 2, scale: 1 },
  waterTemperature: { decimals: 1, scale: 3 },
  vehicleCount: { decimals: 0, scale: 150 },
  meanSpeed: { decimals: 1, scale: 8, spikesDown: true },
  occupancy: { decimals: 1, scale: 15 },
  waterLevel: { decimals: 2, scale: 0.8 },
  rainfall: { decimals: 1, scale: 30 },
  inflow: { decimals: 1, scale: 40 },
  gateOpening: { decimals: 0, scale: 20 },
  power: { decimals: 1, scale: 60 },
  voltage: { decimals: 1, scale: 8 },
  current: { decimals: 2, scale: 0.4 },
  dimming: { decimals: 0, scale: 20, setpoint: true },
  faults: { decimals: 0, scale: 1 },
  // Computed by the processor, never simulated; listed because every metric needs traits.
  vnAqi: { decimals: 0, scale: 50 },
};

/** Keeps a value inside what the sensor can physically report and rounds it as the sensor would. */
export function finish(metric: MetricName, value: number): number {
  const [min, max] = METRICS[metric].range;
  const factor = 10 ** METRIC_TRAITS[metric].decimals;
  return Math.round(Math.min(max, Math.max(min, value)) * factor) / factor;
}

/** Applies `finish` to every value. */
export function finishAll(values: Values): Values {
  const out: Values = {};
  for (const [metric, value] of Object.entries(values) as [MetricName, number][]) out[metric] = finish(metric, value);
  return out;
}
