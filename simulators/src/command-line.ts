import { simulatorError } from './errors.js';
import { parseArgs } from 'node:util';
import { formatPath } from '../../platform/src/index.js';
import { DRIFT_READINGS, FaultRatesSchema, SILENT_READINGS, STUCK_READINGS } from './faults.js';
import { FleetSizesSchema } from './fleet.js';
import { SIMULATION_DEFAULTS, SimulationOptionsSchema, type SimulationOptions } from './options.js';
import { PROVINCES } from './provinces.js';
import { POLLUTION_EPISODE } from './scenario.js';

/** One command-line flag: where its value goes in SimulationOptions and how --help describes it. */
interface Flag {
  name: string;
  path: readonly string[];
  type: 'string' | 'number' | 'time' | 'switch';
  placeholder?: string;
  help: string;
  default?: string | number;
}

const fleetDefaults = FleetSizesSchema.parse({});
const faultDefaults = FaultRatesSchema.parse({});
const range = ([min, max]: [number, number]) => `${min}–${max}`;

const fleetFlag = (name: string, key: keyof typeof fleetDefaults, help: string): Flag => ({
  name,
  path: ['fleet', key],
  type: 'number',
  placeholder: 'n',
  help,
  default: fleetDefaults[key],
});
const faultFlag = (key: keyof typeof faultDefaults, help: string): Flag => ({
  name: `${key}-rate`,
  path: ['faults', key],
  type: 'number',
  placeholder: 'p',
  help,
  default: faultDefaults[key],
});

const SECTIONS: { title: string; flags: Flag[] }[] = [
  {
    title: 'Broker',
    flags: [
      { name: 'url', path: ['url'], type: 'string', placeholder: 'url', help: 'MQTT broker (env MQTT_URL)', default: SIMULATION_DEFAULTS.url },
      { name: 'username', path: ['username'], type: 'string', placeholder: 'name', help: 'broker account (env MQTT_USERNAME)' },
      { name: 'password', path: ['password'], type: 'string', placeholder: 'secret', help: 'broker password (env MQTT_PASSWORD)' },
    ],
  },
  {
    title: 'Fleet: devices per kind',
    flags: [
      fleetFlag('air', 'air', 'air-quality stations (PM2.5, PM10, NO2, SO2, CO, O3, noise)'),
      fleetFlag('water', 'water', 'surface-water stations (pH, DO, COD, TSS, NH4+, temperature)'),
      fleetFlag('wastewater', 'wastewater', 'industrial wastewater monitors'),
      fleetFlag('counters', 'counters', 'traffic counters (vehicle count, mean speed, occupancy)'),
      fleetFlag('cameras', 'cameras', 'AI cameras: a third watch public spaces, the rest intersections'),
      fleetFlag('reservoirs', 'reservoirs', 'reservoir dam stations (level, inflow, gate opening, rain)'),
      fleetFlag('rain-gauges', 'rainGauges', 'rain gauges in the reservoir basins'),
      fleetFlag('lamps', 'lamps', 'smart street-lamp controllers'),
      fleetFlag('cabinets', 'cabinets', 'lighting cabinets (circuit power)'),
      {
        name: 'province',
        path: ['province'],
        type: 'string',
        placeholder: 'name',
        help: `${PROVINCES.map((p) => p.name).join(' or ')}: wards and sites after the 2025 reform`,
        default: SIMULATION_DEFAULTS.province,
      },
      { name: 'list-devices', path: [], type: 'switch', help: 'print the fleet (device, kind, site, ward) and exit' },
    ],
  },
  {
    title: 'Timing',
    flags: [
      { name: 'interval', path: ['interval'], type: 'number', placeholder: 's', help: 'real seconds between two readings of one device', default: SIMULATION_DEFAULTS.intervalSeconds },
      { name: 'rate', path: ['rate'], type: 'number', placeholder: 'msg/s', help: 'total readings per second across the fleet, instead of --interval' },
      { name: 'speed', path: ['speed'], type: 'number', placeholder: 'x', help: 'simulated seconds per real second (1 = real time)', default: SIMULATION_DEFAULTS.speed },
      { name: 'start', path: ['start'], type: 'time', placeholder: 'time', help: 'simulated clock at the start, e.g. 2026-01-15T07:00:00+07:00', default: 'now' },
      { name: 'duration', path: ['duration'], type: 'number', placeholder: 's', help: 'stop after this many real seconds', default: 'until Ctrl+C' },
      { name: 'messages', path: ['messages'], type: 'number', placeholder: 'n', help: 'stop after publishing this many messages' },
      { name: 'seed', path: ['seed'], type: 'number', placeholder: 'n', help: 'same seed and --start: same fleet, same messages', default: SIMULATION_DEFAULTS.seed },
    ],
  },
  {
    title: 'Faults: chance per reading that the fault starts',
    flags: [
      faultFlag('spike', 'one-off outlier on one metric, large enough to cross alert limits'),
      faultFlag('drift', `a sensor's bias grows each reading; recalibrated after ${range(DRIFT_READINGS)} readings`),
      faultFlag('stuck', `the device repeats its last values for ${range(STUCK_READINGS)} readings`),
      faultFlag('silent', `the device publishes nothing for ${range(SILENT_READINGS)} readings`),
      faultFlag('malformed', 'payload is not JSON (truncated, garbage or empty)'),
      faultFlag('invalid', 'JSON that breaks the contract: pH as a string, missing or negative seq, unknown kind, wrong deviceId …'),
      {
        name: 'lamp-fault-rate',
        path: ['lampFaultRate'],
        type: 'number',
        placeholder: 'p',
        help: 'lamp equipment fault (lamp failure, day burner, over-voltage …), repaired after 36–288 readings',
        default: SIMULATION_DEFAULTS.lampFaultRate,
      },
    ],
  },
  {
    title: 'Scenario',
    flags: [
      {
        name: 'scenario',
        path: ['scenario'],
        type: 'string',
        placeholder: 'name',
        help: `pollution-episode: from the start, one air station's PM2.5 climbs to ~${POLLUTION_EPISODE.peakPm25} µg/m³ within ${POLLUTION_EPISODE.rampMs / 60_000} simulated minutes and stays ${POLLUTION_EPISODE.holdMs / 3_600_000} simulated hours, with no faults`,
      },
      { name: 'scenario-station', path: ['scenarioStation'], type: 'string', placeholder: 'id', help: 'air station of the scenario', default: 'the first air station' },
    ],
  },
  { title: 'Other', flags: [{ name: 'help', path: [], type: 'switch', help: 'print this help and exit' }] },
];

const FLAGS = SECTIONS.flatMap((s) => s.flags);

export type Command = { action: 'help' } | { action: 'list-devices'; options: SimulationOptions } | { action: 'run'; options: SimulationOptions };

/**
 * Reads the command line (and MQTT_URL / MQTT_USERNAME / MQTT_PASSWORD) into checked options.
 * Throws IOC_SIMULATOR_OPTIONS_INVALID naming each wrong flag.
 */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = {}): Command {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.type === 'switch' ? 'boolean' : 'string', ...(f.name === 'help' ? { short: 'h' } : {}) }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw simulatorError('IOC_SIMULATOR_OPTIONS_INVALID', [(error as Error).message.replace(/\. To specify a positional.*$/s, '')]);
  }
  if (values.help) return { action: 'help' };

  const problems: string[] = [];
  const input: Record<string, unknown> = {
    url: env.MQTT_URL || undefined,
    username: env.MQTT_USERNAME || undefined,
    password: env.MQTT_PASSWORD || undefined,
  };
  for (const flag of FLAGS) {
    const raw = values[flag.name];
    if (typeof raw !== 'string') continue;
    const value = convert(flag, raw);
    if (value === undefined) problems.push(`--${flag.name}: ${flag.type === 'time' ? 'expected a date-time with zone such as 2026-01-15T07:00:00+07:00' : 'expected a number'}, got "${raw}"`);
    else setPath(input, flag.path, value);
  }
  if (problems.length > 0) throw simulatorError('IOC_SIMULATOR_OPTIONS_INVALID', [problems.join('; ')]);

  const parsed = SimulationOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const described = parsed.error.issues.map((issue) => `${flagFor(issue.path)}: ${issue.message}`);
    throw simulatorError('IOC_SIMULATOR_OPTIONS_INVALID', [described.join('; ')]);
  }
  return { action: values['list-devices'] ? 'list-devices' : 'run', options: parsed.data };
}

function convert(flag: Flag, raw: string): unknown {
  if (flag.type === 'number') return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw.trim()) ? Number(raw) : undefined;
  if (flag.type === 'time') {
    const ms = /[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? Date.parse(raw) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

function flagFor(path: ReadonlyArray<PropertyKey>): string {
  const dotted = path.map(String).join('.');
  const flag = FLAGS.find((f) => f.path.length > 0 && f.path.join('.') === dotted);
  if (flag) return flag.name === 'url' ? '--url (or MQTT_URL)' : `--${flag.name}`;
  if (dotted === 'fleet') return '--air … --cabinets';
  return formatPath(path);
}

export function helpText(): string {
  const rows = SECTIONS.map((section) => ({
    title: section.title,
    rows: section.flags.map((f) => [
      `  --${f.name}${f.placeholder ? ` <${f.placeholder}>` : ''}${f.name === 'help' ? ', -h' : ''}`,
      `${f.help}${f.default === undefined ? '' : ` (default ${f.default})`}`,
    ]),
  }));
  const width = Math.max(...rows.flatMap((s) => s.rows.map((r) => r[0].length))) + 2;
  const body = rows
    .map((s) => `${s.title}\n${s.rows.map(([flag, text]) => wrap(text, HELP_WIDTH - width).map((line, i) => (i === 0 ? flag.padEnd(width) : ' '.repeat(width)) + line).join('\n')).join('\n')}`)
    .join('\n\n');
  return `Usage: npm run simulate -- [options]

Device fleets of a Vietnamese province publishing readings over MQTT (QoS 1) on
ioc/{domain}/{siteId}/{deviceId}/telemetry, and AI-camera detections on .../event.
Daily patterns follow local time (UTC+7): rush-hour traffic, NO2 and noise, PM2.5
from the Hà Nội record, street lamps on at 18:00 and off at 05:45, rain storms
raising reservoir inflow and level. Runs until Ctrl+C / SIGTERM, --duration or
--messages, then disconnects cleanly and prints a summary. Exit code 0 when every message
was acknowledged, 2 when an option is wrong, 1 when the run fails (broker unreachable, messages
not acknowledged).

${body}

Why these defaults: ${fleetTotal()} devices each reading every ${SIMULATION_DEFAULTS.intervalSeconds} s is about ${Math.round(fleetTotal() / SIMULATION_DEFAULTS.intervalSeconds)} messages/s,
easy for one laptop. The clock runs ${SIMULATION_DEFAULTS.speed}x real time, so one reading covers ${(SIMULATION_DEFAULTS.intervalSeconds * SIMULATION_DEFAULTS.speed) / 60}
simulated minutes and a day passes in ${(24 * 60) / SIMULATION_DEFAULTS.speed} minutes. A rule that needs 300 s above its
limit (device time) is met by two consecutive readings, so with --scenario
pollution-episode the first alert shows about 20 s after the start. Use --speed 1
for real time; faults last readings, not seconds, so they look alike at any speed.

Examples
  npm run simulate -- --scenario pollution-episode
  npm run simulate -- --speed 1 --interval 60 --lamps 0 --cameras 0
  npm run simulate -- --rate 2000 --duration 60 --seed 7 --url mqtt://broker:1883
`;
}

const HELP_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

function fleetTotal(): number {
  return Object.values(fleetDefaults).reduce((a, b) => a + b, 0);
}
