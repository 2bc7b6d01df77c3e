import type { Values } from './metric-traits.js';
import { finish } from './metric-traits.js';
import type { Rng } from './random.js';

/**
 * Deterministic episodes for demos and tests. `pollution-episode`: from the start of the run, one
 * air station's PM2.5 climbs within 10 simulated minutes to about 280 µg/m³ (VN_AQI "Rất xấu",
 * more than five times the QCVN 05:2023 24-hour limit of 50), stays there 3 simulated hours and
 * falls back over the next hour. The station injects no faults meanwhile, so the breach is clean.
 */
export const SCENARIOS = ['pollution-episode'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const MINUTE = 60_000;
export const POLLUTION_EPISODE = {
  peakPm25: 280,
  rampMs: 10 * MINUTE,
  holdMs: 180 * MINUTE,
  fadeMs: 60 * MINUTE,
} as const;

export interface ActiveScenario {
  name: ScenarioName;
  /** The device the episode happens at. */
  deviceId: string;
  /** Simulated time the episode starts (the run's simulated start). */
  start: number;
}

/** How strong the episode is at `time`, 0 to 1; null outside it. */
export function episodeStrength(scenario: ActiveScenario, time: number): number | null {
  const { rampMs, holdMs, fadeMs } = POLLUTION_EPISODE;
  const t = time - scenario.start;
  if (t < 0 || t >= rampMs + holdMs + fadeMs) return null;
  if (t < rampMs) return t / rampMs;
  if (t < rampMs + holdMs) return 1;
  return 1 - (t - rampMs - holdMs) / fadeMs;
}

/** Raises the station's dust to the episode level; coarse dust rises with it. */
export function applyEpisode(values: Values, strength: number, rng: Rng): Values {
  const pm25 = Math.max(values.pm25 ?? 0, strength * POLLUTION_EPISODE.peakPm25 * (1 + rng.normal(0, 0.05)));
  return { ...values, pm25: finish('pm25', pm25), pm10: finish('pm10', Math.max(values.pm10 ?? 0, pm25 * 1.35)) };
}
