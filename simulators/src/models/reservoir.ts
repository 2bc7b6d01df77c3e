import { finish } from '../metric-traits.js';
import type { Rng } from '../random.js';
import type { TelemetryModel } from './model.js';
import { BasinWeather } from './weather.js';

export interface ReservoirSite {
  basinId: string;
  /** Normal water level, metres above sea level. */
  normalLevel: number;
  surfaceKm2: number;
  catchmentKm2: number;
  rainChanceByMonth: readonly number[];
}

const STEP_SECONDS = 300;
/** How long the basin takes to drain a storm into the lake (linear-reservoir time constant). */
const RUNOFF_LAG_SECONDS = 3 * 3600;
const RUNOFF_COEFFICIENT = 0.55;
/** History simulated before the first reading, so a run starting mid-storm shows its inflow. */
const WARM_UP_SECONDS = 24 * 3600;

/**
 * A gated reservoir's dam station: basin rain reaches the lake through a lagged runoff, the level
 * rises with the inflow, and the spillway gates open in proportion to how far the level stands
 * above a quarter metre below normal water level, releasing up to a flood discharge.
 */
export function reservoirStationModel(rng: Rng, seed: number, site: ReservoirSite): TelemetryModel {
  const weather = new BasinWeather(seed, site.basinId, site.rainChanceByMonth);
  const surface = site.surfaceKm2 * 1e6;
  const catchment = site.catchmentKm2 * 1e6;
  const baseInflow = site.catchmentKm2 * 0.025;
  // Irrigation draws a little more than the dry-weather inflow: levels sink slowly between storms.
  const release = baseInflow * 1.3;
  const floodDischarge = site.catchmentKm2 * 2.5;
  const gateThreshold = site.normalLevel - 0.25;
  let level = site.normalLevel - rng.range(0, 0.6);
  let runoffStorage = 0;
  let lastTime: number | undefined;

  const gateOpening = () => Math.min(100, Math.max(0, ((level - gateThreshold) / 0.75) * 100));

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const from = lastTime ?? time - WARM_UP_SECONDS * 1000;
      lastTime = time;
      const steps = Math.max(1, Math.ceil((time - from) / 1000 / STEP_SECONDS));
      const dt = (time - from) / 1000 / steps;
      let inflow = baseInflow;
      for (let i = 0; i < steps; i++) {
        const rain = weather.intensity(from + (i + 0.5) * dt * 1000);
        runoffStorage += ((rain / 1000 / 3600) * catchment * RUNOFF_COEFFICIENT - runoffStorage / RUNOFF_LAG_SECONDS) * dt;
        inflow = baseInflow + runoffStorage / RUNOFF_LAG_SECONDS;
        const outflow = release + (gateOpening() / 100) * floodDischarge;
        level += ((inflow - outflow) * dt) / surface;
      }
      return {
        values: {
          waterLevel: finish('waterLevel', level + rng.normal(0, 0.01)),
          inflow: finish('inflow', inflow * (1 + rng.normal(0, 0.03))),
          gateOpening: finish('gateOpening', gateOpening()),
          rainfall: finish('rainfall', weather.rainfall(time - elapsed * 1000, time)),
        },
      };
    },
  };
}

/** A tipping-bucket gauge in the basin: rain since its previous reading, with local variation. */
export function rainGaugeModel(rng: Rng, seed: number, site: ReservoirSite): TelemetryModel {
  const weather = new BasinWeather(seed, site.basinId, site.rainChanceByMonth);
  const exposure = rng.range(0.75, 1.25);
  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const rain = weather.rainfall(time - elapsed * 1000, time) * exposure * (1 + rng.normal(0, 0.1));
      return { values: { rainfall: finish('rainfall', rain) } };
    },
  };
}
