/**
 * The embedded default's throughput with durability on and off: the embedded broker with ingest
 * in its process, the in-process bus, the processor (default rules) and the store writer (local
 * sink), composed as `npm start` composes them, once with the bus log and the store's files on disk
 * (`npm start`: a PUBACK means the reading is fsynced in the bus log) and once all in memory. The
 * pipeline runs in a child process; this one plays QoS 1 devices publishing as fast as the broker
 * acknowledges (at most `inflight` unacknowledged per device) and counts PUBACKs a second.
 *
 *   npx tsx scripts/fault/embedded-throughput.ts [seconds=20] [devices=8] [inflight=500]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startDeviceLoad } from '../../test-support/fault-drill.js';
import { INGEST_BATCH_DEFAULTS, createBrokerIngest, createIngestMetrics, startEmbeddedBroker, type BrokerIngest } from '../../ingest/src/index.js';
import { BusConfigSchema, createBus, createLogger, loadConfig } from '../../platform/src/index.js';
import { loadProcessorConfig, startProcessor } from '../../processor/src/index.js';
import { loadStoreWriterConfig, startStoreWriter } from '../../store-writer/src/index.js';

const GATEWAY = { username: 'bench-gateway', password: 'bench gateway password', role: 'gateway' as const };

async function pipeline(mode: 'disk' | 'memory'): Promise<void> {
  const logger = createLogger('bench', 'warn', 2);
  const registry = new Registry();
  const directory = mode === 'disk' ? mkdtempSync(join(tmpdir(), 'ioc-throughput-')) : undefined;
  const environment = { ...process.env, ...(directory ? { PROCESSOR_DATA_DIR: join(directory, 'store') } : {}) };
  const bus = await createBus(loadConfig(BusConfigSchema, { ...environment, KAFKA_BROKERS: '' }), logger, { dataDirectory: directory && join(directory, 'bus') });
  let ingest!: BrokerIngest;
  const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger, accounts: [GATEWAY], handOver: (topic, payload) => ingest.accept(topic, payload) });
  await startStoreWriter({ bus, logger, registry, config: loadStoreWriterConfig(environment) });
  await startProcessor({ bus, logger, registry, ...loadProcessorConfig(environment) });
  ingest = createBrokerIngest({ bus, logger, metrics: createIngestMetrics(registry), batch: INGEST_BATCH_DEFAULTS });
  process.stdout.write(`${broker.url}\n`);
  process.once('SIGTERM', () => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
}

async function measure(mode: 'disk' | 'memory', seconds: number, devices: number, inflight: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', process.argv[1], `--pipeline=${mode}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve(line.trim())));
  const stations = Array.from({ length: devices }, (_, i) => `aq-bench-${i + 1}`);
  // Offered far above what one machine acknowledges: the in-flight window is what limits it.
  const load = await startDeviceLoad({ mqttUrl: url, username: GATEWAY.username, password: GATEWAY.password, stations, ratePerSecond: 200_000, nextSeq: new Map(), maxInFlight: inflight });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const warm = load.acknowledged.size;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const acknowledged = load.acknowledged.size - warm;
  const elapsed = (performance.now() - started) / 1000;
  await load.stop();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { mode, seconds: Math.round(elapsed), acknowledgedPerSecond: Math.round(acknowledged / elapsed) };
}

const pipelineMode = process.argv.find((arg) => arg.startsWith('--pipeline='))?.slice('--pipeline='.length);
if (pipelineMode === 'disk' || pipelineMode === 'memory') {
  await pipeline(pipelineMode);
} else {
  const [seconds = 20, devices = 8, inflight = 500] = process.argv.slice(2).map(Number);
  for (const mode of ['disk', 'memory', 'disk', 'memory'] as const) console.log(JSON.stringify(await measure(mode, seconds, devices, inflight)));
}
