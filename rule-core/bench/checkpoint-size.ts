/**
 * How many bytes a device's rule-state checkpoint takes, as JSON on the bus, under the default
 * rule set with every rule on, once its anomaly baselines are warm: each telemetry kind reports
 * every `REPORT_MINUTES` for 9 days (the warm-up is 2 days; the median/MAD window of reservoir
 * inflow, 2 days, is then full), with a daily cycle and noise. Readings pass through the derived
 * readings too, so an air station's checkpoint holds its open hour and its VN_AQI hours.
 *
 * Run: npx tsx rule-core/bench/checkpoint-size.ts
 */
import { DOMAIN_OF_KIND, type DeviceKind, type Reading } from '../../contracts/src/index.js';
import { Derivations } from '../src/derived/derivations.js';
import { RuleEngine } from '../src/engine/index.js';
import { defaultRuleSet } from '../src/default-rules/index.js';
import { takeRuleState } from '../src/rule-state.js';
import { seededRandom } from '../test/anomaly/seeded-random.js';

const REPORT_MINUTES = 5;
const DAYS = 9;
const START = Date.UTC(2025, 5, 1);

const PROFILES: Partial<Record<DeviceKind, Record<string, number>>> = {
  'air-station': { pm25: 45, pm10: 80, no2: 60, so2: 40, co: 3000, o3: 80, noise: 62 },
  'surface-water-station': { ph: 7.2, dissolvedOxygen: 6.5, cod: 10, tss: 40, ammonium: 0.15, waterTemperature: 27 },
  'wastewater-station': { ph: 7, cod: 90, tss: 55, ammonium: 5, waterTemperature: 32 },
  'traffic-counter': { vehicleCount: 60, meanSpeed: 35, occupancy: 30 },
  'reservoir-station': { waterLevel: 9, rainfall: 4, inflow: 120, gateOpening: 20 },
  'rain-gauge': { rainfall: 4 },
  lamp: { power: 95, voltage: 224, current: 0.43, dimming: 80 },
  'lighting-cabinet': { power: 3000, voltage: 224, current: 14 },
};

const defaults = defaultRuleSet();
const rules = { ...defaults, rules: defaults.rules.map((rule) => ({ ...rule, enabled: true })) };
const random = seededRandom(7);
let total = 0;
let kinds = 0;
for (const [kind, profile] of Object.entries(PROFILES) as [DeviceKind, Record<string, number>][]) {
  const engine = new RuleEngine(rules);
  const derivations = new Derivations();
  const deviceId = `${kind}-1`;
  const place = { deviceId, domain: DOMAIN_OF_KIND[kind], kind, siteId: deviceId, ward: 'Phường Hoàn Kiếm' };
  const steps = (DAYS * 24 * 60) / REPORT_MINUTES;
  for (let i = 0; i < steps; i++) {
    const ts = START + i * REPORT_MINUTES * 60_000;
    const daily = 1 + 0.3 * Math.sin((2 * Math.PI * i * REPORT_MINUTES) / 1440);
    const metrics: Reading['metrics'] = {};
    for (const [metric, typical] of Object.entries(profile)) metrics[metric as keyof Reading['metrics']] = typical * daily * (0.9 + 0.2 * random());
    const reading: Reading = { ...place, ts, seq: i, receivedAt: ts + 200, metrics };
    engine.onReading(reading);
    for (const derived of derivations.add(reading)) engine.onReading(derived);
  }
  const bytes = Buffer.byteLength(JSON.stringify(takeRuleState(engine, derivations, deviceId, Date.now())));
  total += bytes;
  kinds++;
  console.log(`${kind.padEnd(22)} ${bytes.toLocaleString('en').padStart(8)} bytes`);
}
console.log(`${'mean per kind'.padEnd(22)} ${Math.round(total / kinds).toLocaleString('en').padStart(8)} bytes (readings every ${REPORT_MINUTES} min, ${DAYS} days, default rules all on)`);
