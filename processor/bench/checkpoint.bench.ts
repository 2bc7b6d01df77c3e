/**
 * What a rule state checkpoint round costs: air stations under the default rules after a day of
 * minute readings, checkpointed in slices of 250 (readings wait for one slice), then restored
 * into a fresh engine as a restarted processor does.
 *   npx tsx processor/bench/checkpoint.bench.ts [stations=1000] [minutes=1440]
 */
import { Registry } from 'prom-client';
import { RuleStateCheckpointSchema, type Reading } from '../../contracts/src/index.js';
import { InProcessBus, createLogger } from '../../platform/src/index.js';
import { Derivations, RuleEngine, defaultRuleSet, restoreRuleState } from '../../rule-core/src/index.js';
import { CheckpointFeed } from '../src/checkpoint-feed.js';
import { createProcessorMetrics } from '../src/metrics.js';

const stations = Number(process.argv[2] ?? 1000);
const minutes = Number(process.argv[3] ?? 1440);
const SLICE = 250;
const logger = createLogger('checkpoint-bench', 'warn');
const start = Date.UTC(2026, 0, 15);

const engine = new RuleEngine(defaultRuleSet());
const derivations = new Derivations();
const bus = new InProcessBus({ logger });
const feed = new CheckpointFeed({ bus, engine, derivations, logger, metrics: createProcessorMetrics(new Registry()), groupId: 'bench', clock: Date.now });
for (let minute = 0; minute < minutes; minute++) {
  for (let i = 0; i < stations; i++) {
    const phase = minute / 90 + i;
    const reading: Reading = {
      deviceId: `AQ-${i}`,
      domain: 'environment',
      kind: 'air-station',
      siteId: `AQ-${i}`,
      ward: 'Phường Hoàn Kiếm',
      ts: start + minute * 60_000,
      seq: minute,
      receivedAt: start + minute * 60_000,
      metrics: { pm25: 40 + 15 * Math.sin(phase), pm10: 70 + 20 * Math.sin(phase), no2: 30 + 5 * Math.cos(phase), so2: 12, co: 900, o3: 60 + 10 * Math.sin(phase / 3), noise: 62 },
    };
    engine.onReading(reading);
    for (const derived of derivations.add(reading)) engine.onReading(derived);
    feed.noteReading(reading, 0);
  }
}

const slices: number[] = [];
const taken = [];
for (let slice = 0; slice * SLICE < stations; slice++) {
  const began = performance.now();
  taken.push(...feed.take(undefined, SLICE).ruleState.map(({ checkpoint }) => checkpoint));
  slices.push(performance.now() - began);
}
const json = taken.map((checkpoint) => JSON.stringify(checkpoint));
const bytes = json.reduce((sum, text) => sum + Buffer.byteLength(text), 0);

const fresh = new RuleEngine(defaultRuleSet());
const freshDerivations = new Derivations();
const restoreBegan = performance.now();
for (const text of json) restoreRuleState(fresh, freshDerivations, RuleStateCheckpointSchema.parse(JSON.parse(text)));
const restoreMs = performance.now() - restoreBegan;
await bus.close();

const round = slices.reduce((sum, ms) => sum + ms, 0);
console.log(
  JSON.stringify(
    {
      stations,
      minutes,
      checkpoints: taken.length,
      takeMsPerStation: +(round / taken.length).toFixed(3),
      longestSliceMs: +Math.max(...slices).toFixed(1),
      roundMs: +round.toFixed(1),
      bytesPerStation: Math.round(bytes / taken.length),
      restoreMsPerStation: +(restoreMs / taken.length).toFixed(3),
    },
    null,
    2,
  ),
);
