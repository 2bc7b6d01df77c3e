/**
 * Throughput of the rule engine's hot path, `RuleEngine.onReading`, on one core.
 *
 * 10,000 simulated devices of every telemetry kind (cameras send events, not readings), the
 * default rule set with every rule turned on, one reading per device per minute: thresholds,
 * time-of-day limits, rates of change, anomaly baselines (EWMA by hour of day, median/MAD),
 * stuck-sensor, missing-data and physical-range rules all see the readings. Camera rules count
 * events and VN_AQI rules read derived readings, neither of which this loop sends. A few devices
 * run hot so that alerts open, escalate and resolve during the run, as they would in a city.
 * Readings are generated and decoded from JSON in batches of a Kafka fetch's size, as the bus
 * delivers them, outside the timed part; each round continues the devices' time series.
 *
 * How a reading's `metrics` object was built matters: JSON.parse gives each key set its own
 * compact hidden class, while objects built key by key from `{}` (as a zod parse or this file's
 * generator does) share one transition tree, and looking a metric up in them is several times
 * slower. Decoding keeps the figure about the engine and the way production readings arrive.
 *
 * Run: npm run bench. It compiles this file with tsc, as `npm run build` compiles what ships
 * (tsconfig.bench.json extends tsconfig.build.json, output in dist/bench), and runs the
 * JavaScript with plain `node` and no V8 flags, as the processor's image does: under tsx the
 * loader alone cost about a fifth of the figure. Target: at least 1,000,000 readings/s.
 */
import type { DeviceKind, Reading } from '../../contracts/src/index.js';
import { DOMAIN_OF_KIND } from '../../contracts/src/index.js';
import { RuleEngine } from '../src/engine/index.js';
import { defaultRuleSet } from '../src/default-rules/index.js';
import { seededRandom as random } from '../test/anomaly/seeded-random.js';

type TelemetryKind = Exclude<DeviceKind, 'camera'>;

const DEVICES: Array<[TelemetryKind, number]> = [
  ['air-station', 1500],
  ['surface-water-station', 500],
  ['wastewater-station', 500],
  ['traffic-counter', 2000],
  ['reservoir-station', 300],
  ['rain-gauge', 700],
  ['lamp', 4000],
  ['lighting-cabinet', 500],
];
/** Readings per device in one timed round. */
const STEPS_PER_ROUND = 5;
const INTERVAL_MS = 60_000;
const WARMUP_ROUNDS = 5;
const ROUNDS = 15;
const HOT_SHARE = 0.03;

/** Typical value and spread per metric; hot devices read `hot` times higher (or lower for DO, pH and speed). */
const PROFILES: Record<TelemetryKind, Record<string, [typical: number, spread: number]>> = {
  'air-station': { pm25: [45, 25], pm10: [80, 40], no2: [60, 30], so2: [40, 20], co: [3000, 1500], o3: [80, 40], noise: [62, 6] },
  'surface-water-station': { ph: [7.2, 0.4], dissolvedOxygen: [6.5, 0.8], cod: [10, 3], tss: [40, 20], ammonium: [0.15, 0.08], waterTemperature: [27, 2] },
  'wastewater-station': { ph: [7, 0.8], cod: [90, 30], tss: [55, 20], ammonium: [5, 2], waterTemperature: [32, 3] },
  'traffic-counter': { vehicleCount: [60, 30], meanSpeed: [35, 10], occupancy: [30, 15] },
  'reservoir-station': { waterLevel: [9, 0.8], rainfall: [4, 6], inflow: [120, 40], gateOpening: [20, 10] },
  'rain-gauge': { rainfall: [4, 6] },
  lamp: { power: [95, 10], voltage: [224, 8], current: [0.43, 0.05], dimming: [80, 10], faults: [0, 0] },
  'lighting-cabinet': { power: [3000, 300], voltage: [224, 8], current: [14, 1.5], faults: [0, 0] },
};
const LOWER_IS_WORSE = new Set(['ph', 'dissolvedOxygen', 'meanSpeed', 'voltage']);

interface SimulatedDevice {
  place: Pick<Reading, 'deviceId' | 'domain' | 'kind' | 'siteId' | 'ward'>;
  metrics: Array<[name: string, typical: number, spread: number, lowerIsWorse: boolean]>;
  hot: boolean;
  phase: number;
}

const rand = random(20250601);
const START = Date.UTC(2025, 5, 1);

function simulatedDevices(): SimulatedDevice[] {
  const devices: SimulatedDevice[] = [];
  for (const [kind, count] of DEVICES) {
    for (let i = 0; i < count; i++) {
      const deviceId = `${kind}-${i}`;
      devices.push({
        place: { deviceId, domain: DOMAIN_OF_KIND[kind], kind, siteId: kind === 'lamp' ? `cabinet-${i % 500}` : deviceId, ward: `Phường ${i % 120}` },
        metrics: Object.entries(PROFILES[kind]).map(([name, [typical, spread]]) => [name, typical, spread, LOWER_IS_WORSE.has(name)]),
        hot: rand() < HOT_SHARE,
        phase: rand() * Math.PI * 2,
      });
    }
  }
  return devices;
}

/** Readings per decoded batch: about what one Kafka fetch of `ioc.telemetry` hands the processor. */
const BATCH = 1_000;

/** The readings of one minute from devices [from, from + BATCH), decoded from JSON as the bus delivers them. */
function batchOfReadings(devices: SimulatedDevice[], step: number, from: number): Reading[] {
  const readings: Reading[] = [];
  const ts = START + step * INTERVAL_MS;
  for (let d = from; d < Math.min(from + BATCH, devices.length); d++) {
    const device = devices[d];
    const metrics: Record<string, number> = {};
    // Hot devices swing past their limits and back over a 20-minute cycle.
    const swing = device.hot ? 1.5 + 1.5 * Math.sin(device.phase + (step * Math.PI) / 10) : 0;
    for (const [name, typical, spread, lowerIsWorse] of device.metrics) {
      const noise = (rand() - 0.5) * 2 * spread;
      const value = lowerIsWorse ? typical - swing * spread * 2 + noise : typical * (1 + swing) + noise;
      metrics[name] = name === 'faults' ? (swing > 2.5 ? 1 : 0) : Math.max(0, value);
    }
    readings.push({ ...device.place, ts, seq: step, receivedAt: ts + 200, metrics });
  }
  return JSON.parse(JSON.stringify(readings)) as Reading[];
}

/**
 * One round: minutes [round × STEPS_PER_ROUND, (round + 1) × STEPS_PER_ROUND), devices interleaved
 * as on the bus. Only `onReading` is timed; each batch is decoded just before it is evaluated, so
 * the young generation holds one batch of readings at a time, as in the processor.
 */
function timedRound(engine: RuleEngine, devices: SimulatedDevice[], round: number): { readings: number; seconds: number; changes: number } {
  let readings = 0;
  let changes = 0;
  let elapsed = 0n;
  for (let step = round * STEPS_PER_ROUND; step < (round + 1) * STEPS_PER_ROUND; step++) {
    for (let from = 0; from < devices.length; from += BATCH) {
      const batch = batchOfReadings(devices, step, from);
      const started = process.hrtime.bigint();
      for (let i = 0; i < batch.length; i++) changes += engine.onReading(batch[i]).length;
      elapsed += process.hrtime.bigint() - started;
      readings += batch.length;
    }
  }
  return { readings, seconds: Number(elapsed) / 1e9, changes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const format = (rate: number) => Math.round(rate).toLocaleString('en').padStart(11);

// Every rule on, including the per-station templates the default set ships off.
const defaults = defaultRuleSet();
const ruleSet = { ...defaults, rules: defaults.rules.map((rule) => ({ ...rule, enabled: true })) };

const devices = simulatedDevices();
const engine = new RuleEngine(ruleSet);
const types = new Map<string, number>();
for (const rule of ruleSet.rules) types.set(rule.type, (types.get(rule.type) ?? 0) + 1);
console.log(`${devices.length.toLocaleString('en')} devices, ${ruleSet.rules.length} rules (${[...types].map(([type, n]) => `${n} ${type}`).join(', ')}), ${(devices.length * STEPS_PER_ROUND).toLocaleString('en')} readings per round`);
const rates: number[] = [];
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  const { readings, seconds, changes } = timedRound(engine, devices, round);
  if (round < WARMUP_ROUNDS) continue;
  rates.push(readings / seconds);
  const label = `round ${round - WARMUP_ROUNDS + 1}`.padEnd(9);
  console.log(`${label} ${format(readings / seconds)} readings/s  (${changes} alert changes, ${engine.openAlertCount} open)`);
}
console.log(`median    ${format(median(rates))} readings/s of RuleEngine.onReading on one core (target 1,000,000)`);
