import { simulatorError } from './errors.js';
import { summarizeIssues } from '../../platform/src/index.js';
import { DeviceSimulator, type SimMessage } from './device-simulator.js';
import { createFleet, type DeviceSpec } from './fleet.js';
import { SimulationOptionsSchema, SIMULATION_DEFAULTS, type SimulationOptions, type SimulationOptionsInput } from './options.js';
import { findProvince, type Province } from './provinces.js';
import type { ActiveScenario } from './scenario.js';

/** One reading slot: which device reads, when (real offset from the run's start) and at what simulated time. */
export interface Slot {
  /** Real milliseconds after the run starts. */
  dueMs: number;
  /** Simulated epoch ms. */
  time: number;
  device: DeviceSimulator;
  /** The device's message, or null while it is silent. */
  message: SimMessage | null;
}

export interface SimulationPlan {
  options: SimulationOptions;
  province: Province;
  devices: DeviceSpec[];
  /** Real milliseconds between two readings of one device. */
  intervalMs: number;
  /** Simulated clock at the start of the run, epoch ms. */
  simStart: number;
  scenario?: ActiveScenario;
  /** The run's reading slots in order, each device in turn, spread evenly over the interval. */
  slots(): Generator<Slot, never>;
}

/**
 * Turns options into a deterministic run: the fleet, one simulator per device and the reading
 * schedule. No I/O and no clock reads except the default start time (`now`), so the same options
 * give the same messages; tests and the MQTT runner both read from `slots()`.
 */
export function planSimulation(input: SimulationOptionsInput, now: number = Date.now()): SimulationPlan {
  const parsed = SimulationOptionsSchema.safeParse(input);
  if (!parsed.success) throw simulatorError('IOC_SIMULATOR_OPTIONS_INVALID', [summarizeIssues(parsed.error.issues)]);
  const options = parsed.data;
  const province = findProvince(options.province) as Province;
  const devices = createFleet(options.fleet, province);
  const intervalMs = options.rate !== undefined ? (devices.length * 1000) / options.rate : (options.interval ?? SIMULATION_DEFAULTS.intervalSeconds) * 1000;
  const simStart = options.start ?? now;
  const scenario: ActiveScenario | undefined = options.scenario && {
    name: options.scenario,
    deviceId: options.scenarioStation ?? (devices.find((d) => d.kind === 'air-station') as DeviceSpec).deviceId,
    start: simStart,
  };
  const settings = {
    seed: options.seed,
    faults: options.faults,
    lampFaultRate: options.lampFaultRate,
    nominalPeriodSeconds: (intervalMs / 1000) * options.speed,
    scenario,
  };

  return {
    options,
    province,
    devices,
    intervalMs,
    simStart,
    scenario,
    *slots() {
      const simulators = devices.map((spec) => new DeviceSimulator(spec, settings));
      const spacing = intervalMs / simulators.length;
      for (let index = 0; ; index++) {
        const dueMs = index * spacing;
        const time = Math.round(simStart + dueMs * options.speed);
        const device = simulators[index % simulators.length];
        yield { dueMs, time, device, message: device.next(time) };
      }
    },
  };
}
