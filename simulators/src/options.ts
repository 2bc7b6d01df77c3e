import { z } from 'zod';
import { IdentifierSchema } from '../../contracts/src/index.js';
import { FaultRatesSchema } from './faults.js';
import { FleetSizesSchema, createFleet } from './fleet.js';
import { DEFAULT_PROVINCE, PROVINCES, findProvince } from './provinces.js';
import { SCENARIOS } from './scenario.js';

/**
 * Defaults chosen for a live demo on one laptop: 368 devices each reading every 10 s (about 37
 * messages/s), with the simulated clock 60× faster than real time so a day passes in 24 minutes
 * and a rule's 300-second duration (device time) in 5 real seconds.
 */
export const SIMULATION_DEFAULTS = {
  url: 'mqtt://127.0.0.1:1883',
  intervalSeconds: 10,
  seed: 1,
  speed: 60,
  province: DEFAULT_PROVINCE,
  lampFaultRate: 0.0002,
} as const;

export const SimulationOptionsSchema = z
  .strictObject({
    /** Broker URL: mqtt://, mqtts://, ws:// or wss://. */
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/, 'use a broker URL such as mqtt://127.0.0.1:1883 (mqtt, mqtts, ws or wss)')
      .default(SIMULATION_DEFAULTS.url),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    fleet: FleetSizesSchema.prefault({}),
    /** Real seconds between two readings of one device; the default when neither this nor `rate` is given. */
    interval: z.number().positive().max(86_400).optional(),
    /** Total readings per second across the fleet, instead of `interval`. */
    rate: z.number().positive().max(100_000).optional(),
    /** Same seed, same fleet character and value sequence. */
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(SIMULATION_DEFAULTS.seed),
    /** Simulated seconds per real second. */
    speed: z.number().positive().max(86_400).default(SIMULATION_DEFAULTS.speed),
    /** Simulated clock at the start, epoch ms; defaults to now. */
    start: z.number().int().min(946_684_800_000, 'start must be after 2000-01-01').optional(),
    /** Stop after this many real seconds. */
    duration: z.number().positive().optional(),
    /** Stop after publishing this many messages. */
    messages: z.number().int().positive().optional(),
    faults: FaultRatesSchema.prefault({}),
    lampFaultRate: z.number().min(0).max(1).default(SIMULATION_DEFAULTS.lampFaultRate),
    province: z.string().default(SIMULATION_DEFAULTS.province),
    scenario: z.enum(SCENARIOS).optional(),
    /** Air station where the scenario happens; the fleet's first air station by default. */
    scenarioStation: IdentifierSchema.optional(),
  })
  .superRefine((options, ctx) => {
    if (options.interval !== undefined && options.rate !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'give either an interval or a rate, not both' });
    }
    if (Object.values(options.fleet).every((n) => n === 0)) {
      ctx.addIssue({ code: 'custom', path: ['fleet'], message: 'the fleet is empty: ask for at least one device of some kind' });
    }
    const province = findProvince(options.province);
    if (!province) {
      ctx.addIssue({
        code: 'custom',
        path: ['province'],
        message: `unknown province "${options.province}"; choose one of: ${PROVINCES.map((p) => p.name).join(', ')}`,
      });
      return;
    }
    if (options.scenarioStation !== undefined && options.scenario === undefined) {
      ctx.addIssue({ code: 'custom', path: ['scenarioStation'], message: 'only meaningful with a scenario' });
    }
    if (options.scenario === 'pollution-episode') {
      const airOnly = { air: options.fleet.air, water: 0, wastewater: 0, counters: 0, cameras: 0, reservoirs: 0, rainGauges: 0, lamps: 0, cabinets: 0 };
      const airStations = createFleet(airOnly, province).map((d) => d.deviceId);
      if (airStations.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['fleet', 'air'], message: 'the pollution-episode scenario needs at least one air station' });
      } else if (options.scenarioStation !== undefined && !airStations.includes(options.scenarioStation)) {
        ctx.addIssue({
          code: 'custom',
          path: ['scenarioStation'],
          message: `"${options.scenarioStation}" is not an air station of this fleet; choose one of: ${airStations.slice(0, 8).join(', ')}${airStations.length > 8 ? ` and ${airStations.length - 8} more` : ''}`,
        });
      }
    }
  });

export type SimulationOptions = z.infer<typeof SimulationOptionsSchema>;
export type SimulationOptionsInput = z.input<typeof SimulationOptionsSchema>;
