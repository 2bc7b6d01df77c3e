/**
 * InfluxSink throughput into the store at INFLUX_URL (`eval "$(npm run -s services:up)"` first):
 * readings written in calls of 500, as the processor does per bus batch, with up to 8 calls
 * outstanding, for request concurrency 1, 2 and 4.
 *   npx tsx store-writer/bench/influx-sink.bench.ts [readings=200000]
 */
import { randomUUID } from 'node:crypto';
import type { Reading } from '../../contracts/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { InfluxSink } from '../src/sink/influx/index.js';

const url = process.env.INFLUX_URL;
if (!url) throw new Error('set INFLUX_URL, e.g. eval "$(npm run -s services:up)"');
const total = Number(process.argv[2] ?? 200_000);
const CALL = 500;
const OUTSTANDING = 8;
const logger = createLogger('influx-bench', process.env.LOG_LEVEL ?? 'warn');

function readings(run: string, offset: number): Reading[] {
  const now = Date.now();
  return Array.from({ length: CALL }, (_, i) => {
    const n = offset + i;
    return {
      deviceId: `bench-${run}-${n % 1000}`,
      domain: 'environment',
      kind: 'air-station',
      siteId: `st-${n % 100}`,
      ward: 'Phường Hoàn Kiếm',
      ts: now - 3_600_000 + Math.floor(n / 1000),
      seq: n,
      receivedAt: now,
      metrics: { pm25: 35.2, pm10: 61.5, no2: 20.1, noise: 64 },
    };
  });
}

const results: Record<string, number> = {};
for (const concurrency of [1, 2, 4]) {
  const run = randomUUID().slice(0, 8);
  const sink = new InfluxSink({ url, token: process.env.INFLUX_TOKEN ?? '', org: process.env.INFLUX_ORG ?? 'ioc', bucket: process.env.INFLUX_BUCKET ?? 'ioc', concurrency, logger });
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let offset = 0; offset < total; offset += CALL) {
    const write = sink.write(readings(run, offset), []).finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= OUTSTANDING) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  results[`concurrency${concurrency}`] = Math.round(total / ((performance.now() - started) / 1000));
  await sink.close();
}
console.log(JSON.stringify({ readings: total, linesPerSecond: results }));
