import { finishAll, type Values } from '../metric-traits.js';
import { localTime } from '../../../contracts/src/index.js';
import { PM25_MONTHLY_MEAN, pm25HourFactor, sunlight, trafficLevel } from '../patterns.js';
import { Wander, type Rng } from '../random.js';
import type { TelemetryModel } from './model.js';

const HOUR = 3600;

/**
 * An automatic air-quality station. PM2.5 follows the season and hour of the real Hà Nội record;
 * NO2, CO and noise follow traffic (rush-hour peaks); ozone follows sunlight. About a third of the
 * stations are basic ones measuring only dust and noise.
 */
export function airStationModel(rng: Rng, suburban: boolean): TelemetryModel {
  const local = suburban ? rng.range(0.65, 0.9) : rng.range(0.9, 1.25);
  const full = rng.chance(0.7);
  const pm = new Wander(rng, 4 * HOUR, 0.3);
  const coarse = new Wander(rng, 6 * HOUR, 0.08);
  const gas = new Wander(rng, 2 * HOUR, 0.2);
  const so2 = new Wander(rng, 6 * HOUR, 0.3);
  const ozone = new Wander(rng, 3 * HOUR, 0.2);
  const noise = new Wander(rng, 0.5 * HOUR, 1.5);

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const t = localTime(time);
      const traffic = trafficLevel(t);
      const pm25 = PM25_MONTHLY_MEAN[t.month - 1] * pm25HourFactor(t) * local * Math.exp(pm.step(elapsed));
      const gasFactor = local * Math.exp(gas.step(elapsed));
      const values: Values = {
        pm25,
        pm10: pm25 * (1.45 + coarse.step(elapsed)),
        noise: 45 + 20 * traffic - (suburban ? 4 : 0) + noise.step(elapsed),
      };
      if (full) {
        values.no2 = (18 + 45 * traffic) * gasFactor;
        values.co = (600 + 1800 * traffic) * gasFactor;
        values.so2 = 12 * local * Math.exp(so2.step(elapsed));
        values.o3 = (15 + 95 * sunlight(t)) * (suburban ? 1.15 : 1) * Math.exp(ozone.step(elapsed));
      }
      return { values: finishAll(values) };
    },
  };
}
