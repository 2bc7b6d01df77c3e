import { finishAll } from '../metric-traits.js';
import { localTime } from '../../../contracts/src/index.js';
import { WATER_TEMPERATURE_BY_MONTH, sunlight } from '../patterns.js';
import type { RiverCondition } from '../provinces.js';
import { Wander, type Rng } from '../random.js';
import type { TelemetryModel } from './model.js';

const HOUR = 3600;

/**
 * Typical levels per river condition, inside QCVN 08:2023 class B so that breaches stand out:
 * urban canals now and then dip below 5 mg/L oxygen before dawn or pass 15 mg/L COD, silty
 * rivers now and then pass 100 mg/L suspended solids.
 */
const RIVER_LEVELS: Record<RiverCondition, { ph: number; oxygen: number; cod: number; tss: number; ammonium: number }> = {
  clean: { ph: 7.3, oxygen: 6.4, cod: 8, tss: 18, ammonium: 0.08 },
  silty: { ph: 7.6, oxygen: 6.0, cod: 10, tss: 60, ammonium: 0.12 },
  urban: { ph: 7.1, oxygen: 5.6, cod: 11, tss: 40, ammonium: 0.18 },
};

/**
 * A surface-water station. Water quality changes slowly (hours to days); dissolved oxygen has a
 * daily cycle from photosynthesis, lowest before dawn.
 */
export function surfaceWaterModel(rng: Rng, condition: RiverCondition): TelemetryModel {
  const level = RIVER_LEVELS[condition];
  const ph = new Wander(rng, 12 * HOUR, 0.2);
  const oxygen = new Wander(rng, 6 * HOUR, 0.35);
  const cod = new Wander(rng, 12 * HOUR, 0.2);
  const tss = new Wander(rng, 8 * HOUR, 0.3);
  const ammonium = new Wander(rng, 12 * HOUR, 0.25);
  const temperature = new Wander(rng, 6 * HOUR, 0.4);

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const t = localTime(time);
      const light = sunlight(t);
      return {
        values: finishAll({
          ph: level.ph + ph.step(elapsed),
          dissolvedOxygen: level.oxygen + 0.9 * (light - 0.35) + oxygen.step(elapsed),
          cod: level.cod * Math.exp(cod.step(elapsed)),
          tss: level.tss * Math.exp(tss.step(elapsed)),
          ammonium: level.ammonium * Math.exp(ammonium.step(elapsed)),
          waterTemperature: WATER_TEMPERATURE_BY_MONTH[t.month - 1] + 1.2 * light - 0.4 + temperature.step(elapsed),
        }),
      };
    },
  };
}

/**
 * An industrial discharge monitor (treated effluent, QCVN 40 column B scale): the load follows
 * the day shift, 07:30–17:00 on weekdays.
 */
export function wastewaterModel(rng: Rng): TelemetryModel {
  const baseCod = rng.range(45, 80);
  const ph = new Wander(rng, 6 * HOUR, 0.25);
  const cod = new Wander(rng, 3 * HOUR, 0.15);
  const tss = new Wander(rng, 3 * HOUR, 0.25);
  const ammonium = new Wander(rng, 6 * HOUR, 0.25);
  const temperature = new Wander(rng, 2 * HOUR, 0.6);

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const t = localTime(time);
      const shift = !t.weekend && t.hour >= 7.5 && t.hour < 17 ? 1 : 0.45;
      return {
        values: finishAll({
          ph: 7.2 + ph.step(elapsed),
          cod: baseCod * (0.6 + 0.5 * shift) * Math.exp(cod.step(elapsed)),
          tss: 35 * (0.7 + 0.4 * shift) * Math.exp(tss.step(elapsed)),
          ammonium: 4 * Math.exp(ammonium.step(elapsed)),
          waterTemperature: WATER_TEMPERATURE_BY_MONTH[t.month - 1] + 3 + 2 * shift + temperature.step(elapsed),
        }),
      };
    },
  };
}
