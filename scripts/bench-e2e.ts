/**
 * `npm run bench:e2e`: the whole pipeline on the real local services, each part its own process:
 *
 *   simulators (MQTT QoS 1) → Mosquitto → ingest → Kafka → processor (+ store writer) → VictoriaMetrics
 *                                                         ↘ ioc.alerts → dashboard → WebSocket client
 *
 * Two phases: a fixed offered rate (default 10,000 msg/s) and saturation (the simulators asked for
 * far more than the machine can carry). For each: device messages per second that ingest put on
 * Kafka, readings per second the processor evaluated and the store acknowledged, device-to-dashboard
 * latency of alerts (a probe device opens an alert with a reading stamped at sending time; the
 * WebSocket client notes when it arrives), split at the alert's record on `ioc.alerts` (its Kafka
 * timestamp is when the processor produced it), the ingest→processor latency histogram of every
 * reading, and CPU and memory of every process (ours and the services', from /proc).
 *
 * Topics carry a prefix of this run, so the services' other data is untouched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsync, type MqttClient } from 'mqtt';
import WebSocket from 'ws';

const USAGE = `Usage: npm run bench:e2e -- [options]

Drives simulated devices through Mosquitto, ingest, Kafka, the processor, the store and a
WebSocket client of the dashboard, each part its own process, on the local services. Run
\`out=$(npm run -s services:up) && eval "$out"\` first.

Options:
  --rate N               offered device messages per second in the fixed-rate phase (10000)
  --duration S           seconds per phase (30)
  --saturation-rate N    what the simulators are asked for in the saturation phase (60000)
  --ingest-instances N   ingest processes sharing the devices (MQTT v5 shared subscription),
                         each with its own window of unacknowledged messages (1)
  --out FILE             the figures as JSON (.data/bench-e2e.json)
  --help                 this text
`;

const { values: args } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    rate: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '30' },
    'saturation-rate': { type: 'string', default: '60000' },
    'ingest-instances': { type: 'string', default: '1' },
    out: { type: 'string', default: '.data/bench-e2e.json' },
  },
});
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const SATURATION_RATE = Number(args['saturation-rate']);
const INGEST_INSTANCES = Number(args['ingest-instances']);

const { KAFKA_BROKERS, MQTT_URL, INFLUX_URL, IOC_SERVICES_DIR } = process.env;
if (!KAFKA_BROKERS || !MQTT_URL || !INFLUX_URL) {
  process.stderr.write('Set the services first: out=$(npm run -s services:up) && eval "$out"\n');
  process.exit(2);
}
const run = randomUUID().slice(0, 8);
const ADMIN_PASSWORD = `bench-${randomUUID()}`;
const CLOCK_TICK = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Part {
  name: string;
  child: ChildProcess;
  port: number;
  output: string[];
}

const partEnv = {
  ...process.env,
  KAFKA_TOPIC_PREFIX: `bench-${run}.`,
  LOG_LEVEL: 'warn',
};

async function startPart(name: string, script: string, portVariable: string, env: Record<string, string> = {}): Promise<Part> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...partEnv, [portVariable]: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const part: Part = { name, child, port, output: [] };
  const keep = (data: Buffer) => {
    part.output.push(data.toString());
    if (part.output.length > 200) part.output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${part.output.join('')}`);
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return part;
    if (waited > 60_000) throw new Error(`${name} not ready in 60 s:\n${part.output.join('')}`);
    await sleep(200);
  }
}

async function scrape(part: Part): Promise<string> {
  return (await fetch(`http://127.0.0.1:${part.port}/metrics`)).text();
}

/** Sum of every sample of `name` (all label sets); buckets come back per `le`. */
function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function buckets(text: string, name: string): Array<{ le: number; count: number }> {
  const result: Array<{ le: number; count: number }> = [];
  for (const line of text.split('\n')) {
    const match = line.match(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`));
    if (match) result.push({ le: match[1] === '+Inf' ? Infinity : Number(match[1]), count: Number(match[2]) });
  }
  return result;
}

/** A quantile from the difference of two cumulative histograms: the upper bound of the bucket it falls in. */
function histogramQuantile(before: ReturnType<typeof buckets>, after: ReturnType<typeof buckets>, q: number): number | null {
  const deltas = after.map((bucket, i) => ({ le: bucket.le, count: bucket.count - (before[i]?.count ?? 0) }));
  const total = deltas[deltas.length - 1]?.count ?? 0;
  if (total === 0) return null;
  return deltas.find((bucket) => bucket.count >= q * total)!.le;
}

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssMb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK;
    const rss = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return { cpuSeconds, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return null;
  }
}

function servicePid(service: string): number | null {
  if (!IOC_SERVICES_DIR) return null;
  try {
    return Number(readFileSync(join(IOC_SERVICES_DIR, 'run', `${service}.pid`), 'utf8').trim());
  } catch {
    return null;
  }
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Opens alerts on a device of its own every 250 ms: five readings over the PM2.5 warning stamped
 * one to five minutes ago (the rule's minimum duration), then one stamped now, which opens the alert
 * with `openedAt` = the moment it was sent.
 */
async function startProbe(): Promise<{ stop(): Promise<void> }> {
  const client: MqttClient = await connectAsync(MQTT_URL!, { clientId: `bench-probe-${run}`, protocolVersion: 5 });
  let stopped = false;
  let episode = 0;
  const loop = (async () => {
    while (!stopped) {
      const deviceId = `probe-${run}-${episode++}`;
      const topic = `ioc/environment/${deviceId}/${deviceId}/telemetry`;
      const now = Date.now();
      for (let seq = 0; seq <= 5; seq++) {
        const ts = seq < 5 ? now - (5 - seq) * 60_000 : Date.now();
        const payload = { deviceId, kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts, seq, values: { pm25: 200 } };
        await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
      }
      await sleep(250);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.endAsync();
    },
  };
}

/** A probe alert as the WebSocket client saw it: when the device sent it, when the processor produced it, when it arrived. */
interface ProbeAlert {
  openedAt: number;
  producedAt?: number;
  receivedAt: number;
}

interface DashboardWatch {
  alerts: ProbeAlert[];
  close(): Promise<void>;
}

/**
 * The probe's alerts as an authenticated WebSocket client sees them, each matched with the
 * timestamp of its record on `ioc.alerts` (set by the processor's producer), which splits the
 * latency into device → processor and processor → dashboard.
 */
async function watchDashboard(dashboard: Part): Promise<DashboardWatch> {
  const base = `http://127.0.0.1:${dashboard.port}`;
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const produced = new Map<string, number>();
  const alerts: ProbeAlert[] = [];
  const byId = new Map<string, ProbeAlert>();
  const kafka = new Kafka({ clientId: `bench-${run}`, brokers: KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${run}-alerts`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [`bench-${run}.ioc.alerts`], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.key?.toString().includes(`probe-${run}-`) || !message.value) return;
      const alert = JSON.parse(message.value.toString()) as { id: string; lastChange: string };
      if (alert.lastChange !== 'opened') return;
      const producedAt = Number(message.timestamp);
      produced.set(alert.id, producedAt);
      const seen = byId.get(alert.id);
      if (seen) seen.producedAt = producedAt;
    },
  });
  const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`, ['ioc.v1', `bearer.${token}`]);
  socket.on('message', (data) => {
    const receivedAt = Date.now();
    const message = JSON.parse(String(data)) as { type: string; alert?: { id: string; deviceId: string; lastChange: string; openedAt: number } };
    if (message.type === 'alert' && message.alert!.lastChange === 'opened' && message.alert!.deviceId.startsWith(`probe-${run}-`)) {
      const alert: ProbeAlert = { openedAt: message.alert!.openedAt, producedAt: produced.get(message.alert!.id), receivedAt };
      byId.set(message.alert!.id, alert);
      alerts.push(alert);
    }
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    alerts,
    async close() {
      socket.close();
      await consumer.disconnect();
    },
  };
}

type Percentiles = { samples: number; p50: number | null; p99: number | null; max: number | null };

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? null };
}

interface PhaseResult {
  phase: string;
  offeredRate: number;
  seconds: number;
  simulatorPublished: number;
  ingestToKafkaPerSecond: number;
  processedPerSecond: number;
  storedPerSecond: number;
  /** Readings on Kafka not yet evaluated when the phase ended, and how long the processor took to catch up. */
  processorLagAtEnd: number;
  catchUpSeconds: number | null;
  alertLatencyMs: Percentiles;
  /** The same alerts split at their record on `ioc.alerts`: device → processor produced it, and on to the WebSocket client. */
  deviceToAlertRecordMs: Percentiles;
  alertRecordToDashboardMs: Percentiles;
  /** Every probe alert of the phase, to see when the slow ones happened. */
  probeAlerts: ProbeAlert[];
  ingestToProcessorMs: { p50: number | null; p99: number | null };
  processes: Record<string, { cpuPercent: number; rssMbMax: number }>;
}

interface Parts {
  ingest: Part[];
  processor: Part;
  dashboard: Part;
}

/** Prometheus text of every ingest instance, concatenated: metric() then sums over them. */
async function scrapeIngest(parts: Parts): Promise<string> {
  return (await Promise.all(parts.ingest.map(scrape))).join('\n');
}

async function phase(name: string, rate: number, parts: Parts, dashboardWatch: DashboardWatch): Promise<PhaseResult> {
  process.stderr.write(`phase ${name}: offering ${rate} msg/s for ${DURATION_S} s\n`);
  const pids: Record<string, number | null> = {
    ...Object.fromEntries(parts.ingest.map((part) => [part.name, part.child.pid!])),
    processor: parts.processor.child.pid!,
    dashboard: parts.dashboard.child.pid!,
    kafka: servicePid('kafka'),
    mosquitto: servicePid('mosquitto'),
    'victoria-metrics': servicePid('victoria-metrics'),
  };
  const simulator = spawn(
    process.execPath,
    ['--import', 'tsx', 'simulators/src/cli.ts', '--url', MQTT_URL!, '--rate', String(rate), '--duration', String(DURATION_S), '--speed', '1', '--seed', '7'],
    { env: partEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let simulatorOutput = '';
  simulator.stdout!.on('data', (data) => (simulatorOutput += data));
  simulator.stderr!.on('data', (data) => (simulatorOutput += data));
  pids.simulators = simulator.pid!;
  const simulatorExit = new Promise((resolve) => simulator.once('exit', resolve));

  // Measure the steady middle: skip the first 3 s of start-up.
  await sleep(3_000);
  const cpuStart = Object.fromEntries(Object.entries(pids).map(([part, pid]) => [part, pid ? processUsage(pid) : null]));
  const rssMax: Record<string, number> = {};
  const [ingestBefore, processorBefore] = await Promise.all([scrapeIngest(parts), scrape(parts.processor)]);
  const alertsFrom = dashboardWatch.alerts.length;
  const started = Date.now();
  const window = (DURATION_S - 4) * 1000;
  while (Date.now() - started < window) {
    for (const [part, pid] of Object.entries(pids)) {
      const usage = pid ? processUsage(pid) : null;
      if (usage) rssMax[part] = Math.max(rssMax[part] ?? 0, usage.rssMb);
    }
    await sleep(1_000);
  }
  const seconds = (Date.now() - started) / 1000;
  const [ingestAfter, processorAfter] = await Promise.all([scrapeIngest(parts), scrape(parts.processor)]);
  const cpuEnd = Object.fromEntries(Object.entries(pids).map(([part, pid]) => [part, pid ? processUsage(pid) : null]));
  const alerts = dashboardWatch.alerts.slice(alertsFrom);
  const split = alerts.filter((alert) => alert.producedAt !== undefined) as Array<Required<ProbeAlert>>;
  await simulatorExit;

  const delta = (before: string, after: string, name: string) => metric(after, name) - metric(before, name);
  const processes: PhaseResult['processes'] = {};
  for (const part of Object.keys(pids)) {
    const start = cpuStart[part];
    const end = cpuEnd[part];
    if (start && end) processes[part] = { cpuPercent: Math.round(((end.cpuSeconds - start.cpuSeconds) / seconds) * 1000) / 10, rssMbMax: Math.round(rssMax[part] ?? end.rssMb) };
  }

  // Catch-up: until the processor has evaluated everything ingest put on Kafka (bounded to 60 s).
  const published = async () => metric(await scrapeIngest(parts), 'ioc_ingest_readings_published_total');
  const processed = async () => metric(await scrape(parts.processor), 'ioc_processor_readings_processed_total');
  const ended = Date.now();
  const lagAtEnd = Math.max(0, (await published()) - (await processed()));
  let catchUpSeconds: number | null = null;
  while (Date.now() - ended < 60_000) {
    if ((await processed()) >= (await published())) {
      catchUpSeconds = (Date.now() - ended) / 1000;
      break;
    }
    await sleep(250);
  }
  const simulatorPublished = Number(simulatorOutput.match(/published (\d+) messages/)?.[1] ?? NaN);
  const histogram = 'ioc_processor_latency_seconds';
  const toMs = (value: number | null) => (value === null ? null : value === Infinity ? Infinity : value * 1000);
  return {
    phase: name,
    offeredRate: rate,
    seconds: Math.round(seconds),
    simulatorPublished,
    ingestToKafkaPerSecond: Math.round((delta(ingestBefore, ingestAfter, 'ioc_ingest_readings_published_total') + delta(ingestBefore, ingestAfter, 'ioc_ingest_camera_events_published_total')) / seconds),
    processedPerSecond: Math.round(delta(processorBefore, processorAfter, 'ioc_processor_readings_processed_total') / seconds),
    storedPerSecond: Math.round(delta(processorBefore, processorAfter, 'ioc_store_writer_readings_total') / seconds),
    processorLagAtEnd: lagAtEnd,
    catchUpSeconds,
    alertLatencyMs: percentiles(alerts.map((alert) => alert.receivedAt - alert.openedAt)),
    deviceToAlertRecordMs: percentiles(split.map((alert) => alert.producedAt - alert.openedAt)),
    alertRecordToDashboardMs: percentiles(split.map((alert) => alert.receivedAt - alert.producedAt)),
    probeAlerts: alerts,
    ingestToProcessorMs: {
      p50: toMs(histogramQuantile(buckets(processorBefore, histogram), buckets(processorAfter, histogram), 0.5)),
      p99: toMs(histogramQuantile(buckets(processorBefore, histogram), buckets(processorAfter, histogram), 0.99)),
    },
    processes,
  };
}

function table(results: PhaseResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`\n== ${r.phase}: offered ${r.offeredRate} msg/s, measured over ${r.seconds} s ==`);
    lines.push(`simulators published        ${r.simulatorPublished} messages`);
    lines.push(`ingest → Kafka              ${r.ingestToKafkaPerSecond} msg/s (readings + camera events)`);
    lines.push(`processor evaluated         ${r.processedPerSecond} readings/s`);
    lines.push(`store acknowledged          ${r.storedPerSecond} readings/s`);
    lines.push(`processor lag at end        ${r.processorLagAtEnd} readings, caught up in ${r.catchUpSeconds ?? '>60'} s`);
    lines.push(`device → dashboard (alerts) p50 ${r.alertLatencyMs.p50} ms, p99 ${r.alertLatencyMs.p99} ms, max ${r.alertLatencyMs.max} ms (${r.alertLatencyMs.samples} alerts)`);
    lines.push(`  of which device → ioc.alerts p50 ${r.deviceToAlertRecordMs.p50} ms, p99 ${r.deviceToAlertRecordMs.p99} ms; ioc.alerts → WebSocket p50 ${r.alertRecordToDashboardMs.p50} ms, p99 ${r.alertRecordToDashboardMs.p99} ms`);
    lines.push(`ingest → processor (all)    p50 ≤ ${r.ingestToProcessorMs.p50} ms, p99 ≤ ${r.ingestToProcessorMs.p99} ms (histogram bucket bounds)`);
    lines.push('process            CPU %   RSS MB (max)');
    for (const [part, usage] of Object.entries(r.processes)) lines.push(`${part.padEnd(18)} ${String(usage.cpuPercent).padStart(5)}   ${String(usage.rssMbMax).padStart(6)}`);
  }
  return lines.join('\n');
}

const started: Part[] = [];
let probe: { stop(): Promise<void> } | undefined;
try {
  const start = async (...partArgs: Parameters<typeof startPart>) => {
    const part = await startPart(...partArgs);
    started.push(part);
    return part;
  };
  const processor = await start('processor', 'processor/src/main.ts', 'PROCESSOR_PORT');
  const ingest: Part[] = [];
  for (let i = 1; i <= INGEST_INSTANCES; i++) {
    const shared: Record<string, string> = INGEST_INSTANCES > 1 ? { MQTT_SHARED_GROUP: `bench-${run}` } : {};
    ingest.push(await start(INGEST_INSTANCES > 1 ? `ingest-${i}` : 'ingest', 'ingest/src/main.ts', 'INGEST_PORT', { MQTT_CLIENT_ID: `bench-ingest-${i}-${run}`, ...shared }));
  }
  const dashboard = await start('dashboard', 'dashboard/src/main.ts', 'PORT', {
    HOST: '127.0.0.1',
    IOC_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DATABASE_FILE: `/tmp/bench-e2e-${run}-ioc.sqlite`,
  });
  const parts: Parts = { ingest, processor, dashboard };
  const watch = await watchDashboard(parts.dashboard);
  probe = await startProbe();
  const results = [await phase('fixed rate', RATE, parts, watch), await phase('saturation', SATURATION_RATE, parts, watch)];
  await watch.close();
  const report = {
    when: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, cpuModel: (await import('node:os')).cpus()[0]?.model, memoryGb: Math.round((await import('node:os')).totalmem() / 2 ** 30), node: process.version },
    command: `npm run bench:e2e -- --rate ${RATE} --duration ${DURATION_S} --saturation-rate ${SATURATION_RATE} --ingest-instances ${INGEST_INSTANCES}`,
    loadAverageAtEnd: (await import('node:os')).loadavg(),
    results,
  };
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n\nJSON: ${args.out}\n`);
} finally {
  await probe?.stop().catch(() => undefined);
  for (const part of started) part.child.kill('SIGTERM');
  await sleep(2_000);
  for (const part of started) if (part.child.exitCode === null) part.child.kill('SIGKILL');
  // Ingest's sessions are persistent: end them, or Mosquitto keeps queueing every device message for them.
  for (let i = 1; i <= INGEST_INSTANCES; i++) {
    await connectAsync(MQTT_URL!, { clientId: `bench-ingest-${i}-${run}`, clean: true, protocolVersion: 4, reconnectPeriod: 0 }).then((client) => client.endAsync(), () => undefined);
  }
}
