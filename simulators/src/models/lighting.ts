import type { LightingFault } from '../../../contracts/src/index.js';
import { finishAll } from '../metric-traits.js';
import { localTime, type LocalTime } from '../../../contracts/src/index.js';
import { lampDimming } from '../patterns.js';
import { Wander, type Rng } from '../random.js';
import type { TelemetryBody, TelemetryModel } from './model.js';

const HOUR = 3600;
const POWER_FACTOR = 0.95;
/** The controller node itself draws a little power while the lamp is off, at a poor power factor. */
const STANDBY_WATTS = 0.6;
const STANDBY_POWER_FACTOR = 0.5;

/** Equipment faults a lamp develops now and then, as its controller reports them (uCIFI object 3416). */
const LAMP_FAULTS = ['lamp-failure', 'day-burner', 'supply-voltage-high', 'power-factor-low', 'thermal-derating'] as const;
type LampFault = (typeof LAMP_FAULTS)[number];

/** Readings a lamp fault lasts before a maintenance crew repairs it. */
const REPAIR_READINGS: [number, number] = [36, 288];

/** Mains voltage sags a few volts under the evening load. */
function supplyVoltage(t: LocalTime, wander: number): number {
  const eveningLoad = t.hour >= 18 && t.hour < 22 ? 1 : 0;
  return 228 - 5 * eveningLoad + wander;
}

/**
 * A smart lamp controller: on at dusk (~18:00), dimmed late at night, off at dawn (~05:45);
 * power follows the lamp's wattage and dimming level. With `faultRate` per reading the lamp
 * develops an equipment fault (burnt-out lamp, day burner, over-voltage …) until repaired.
 */
export function lampModel(rng: Rng, faultRate: number): TelemetryModel {
  const watts = rng.pick([60, 90, 120, 150]);
  // Each controller's clock or photocell switches a few minutes apart from its neighbours.
  const shift = rng.normal(0, 0.08);
  const voltage = new Wander(rng, 2 * HOUR, 1.5);
  const drawNoise = new Wander(rng, HOUR, 0.015);
  let fault: LampFault | null = null;
  let repairIn = 0;

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      if (fault && --repairIn <= 0) fault = null;
      if (!fault && rng.chance(faultRate)) {
        fault = rng.pick(LAMP_FAULTS);
        repairIn = rng.int(...REPAIR_READINGS);
      }
      const t = localTime(time);
      const scheduled = lampDimming(t, shift);
      const flags: LightingFault[] = [];
      let dimming = scheduled;
      if (fault === 'day-burner' && scheduled === 0) {
        dimming = 100;
        flags.push('day-burner');
      }
      if (fault === 'thermal-derating' && dimming > 60) {
        dimming = 60;
        flags.push('thermal-derating');
      }
      let volts = supplyVoltage(t, voltage.step(elapsed));
      if (fault === 'supply-voltage-high') {
        volts += 36;
        flags.push('supply-voltage-high');
      }
      let power = dimming > 0 ? watts * (dimming / 100) * (1 + drawNoise.step(elapsed)) + 1 : STANDBY_WATTS;
      if (fault === 'lamp-failure' && dimming > 0) {
        power = 1.2;
        flags.push('lamp-failure');
      }
      let powerFactor = dimming > 0 ? POWER_FACTOR : STANDBY_POWER_FACTOR;
      if (fault === 'power-factor-low' && dimming > 0) {
        powerFactor = 0.62;
        flags.push('power-factor-low');
      }
      return lightingBody(dimming, power, volts, powerFactor, flags);
    },
  };
}

/**
 * A lighting cabinet (tủ điện chiếu sáng) feeding a circuit of lamps: it switches the circuit on
 * the same schedule and meters the circuit's total draw.
 */
export function cabinetModel(rng: Rng): TelemetryModel {
  const lamps = rng.int(30, 80);
  const watts = rng.pick([90, 120, 150]);
  const voltage = new Wander(rng, 2 * HOUR, 1.5);
  const drawNoise = new Wander(rng, HOUR, 0.01);
  const cabinetWatts = 15;

  return {
    channel: 'telemetry',
    read(time, elapsed) {
      const t = localTime(time);
      const dimming = lampDimming(t);
      const power = lamps * watts * (dimming / 100) * (1 + drawNoise.step(elapsed)) + cabinetWatts;
      return lightingBody(dimming, power, supplyVoltage(t, voltage.step(elapsed)), POWER_FACTOR, []);
    },
  };
}

function lightingBody(dimming: number, power: number, volts: number, powerFactor: number, faults: LightingFault[]): TelemetryBody {
  return {
    powerState: dimming === 0 ? 'off' : dimming < 100 ? 'low' : 'on',
    values: finishAll({ power, voltage: volts, current: power / (volts * powerFactor), dimming }),
    faults,
  };
}
