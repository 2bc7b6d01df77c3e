import { finish } from '../metric-traits.js';
import { localTime } from '../../../contracts/src/index.js';
import { trafficLevel } from '../patterns.js';
import { Wander, type Rng } from '../random.js';
import type { TelemetryModel } from './model.js';

/**
 * A loop or radar counter on one approach of an intersection (FIWARE TrafficFlowObserved):
 * vehicles counted over the period since the previous reading, mean speed and occupancy. As the
 * flow nears the approach's capacity at rush hour, speed drops and occupancy climbs.
 */
export function trafficCounterModel(rng: Rng): TelemetryModel {
  // Vehicles per hour at the weekday peak; mixed traffic, mostly motorbikes.
  const peakFlow = rng.range(1800, 4800);
  // Some approaches are overloaded at rush hour: those are the ones that jam.
  const capacity = peakFlow * rng.range(0.8, 1.2);
  const freeSpeed = rng.range(38, 52);
  const surge = new Wander(rng, 1200, 0.12);

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const flow = peakFlow * trafficLevel(localTime(time)) * Math.exp(surge.step(elapsed));
      // The contract caps a counting period at an hour; faster clocks report the last hour.
      const period = Math.min(3600, Math.max(1, Math.round(elapsed)));
      const expected = (flow * period) / 3600;
      const ratio = flow / capacity;
      const vehicleCount = finish('vehicleCount', expected + rng.normal(0, Math.sqrt(expected)));
      // Past capacity, queues form: occupancy climbs steeply.
      const occupancy = finish('occupancy', 3 + 35 * ratio ** 1.5 + 60 * Math.max(0, ratio - 1) + rng.normal(0, 1));
      const meanSpeed = finish('meanSpeed', freeSpeed / (1 + 0.8 * ratio ** 4) + rng.normal(0, 1.5));
      // No vehicle, no speed: an empty road must not read as a standstill.
      const values = vehicleCount > 0 ? { vehicleCount, meanSpeed, occupancy } : { vehicleCount, occupancy };
      return { intervalSeconds: period, values };
    },
  };
}
