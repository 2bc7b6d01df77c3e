import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BUS_TOPICS, type Alert, type BusTopic, type Reading } from '../../contracts/src/index.js';
import { KafkaBus, type Bus, type DeliveredRecord } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { servicesEnv, type Services } from '../../test-support/services.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const logger = createLogger('e2e', process.env.LOG_LEVEL ?? 'silent');

/** A run id for topic prefixes and device ids, so tests on the shared services never see each other's data. */
export function runId(): string {
  return randomUUID().slice(0, 8);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Kafka bus of its own (its own client, so its consumers are separate group members) on the run's topics. */
export function kafkaBus(services: Services, topicPrefix: string, clientId = `e2e-${runId()}`): Promise<KafkaBus> {
  return KafkaBus.connect({ brokers: services.kafkaBrokers, clientId, topicPrefix, topics: { telemetryPartitions: 4 }, logger });
}

/** Everything on `topic` from the beginning, as it arrives. */
export async function collect<T extends BusTopic>(bus: Bus, topic: T): Promise<DeliveredRecord<T>[]> {
  const records: DeliveredRecord<T>[] = [];
  await bus.consume(topic, { groupId: `e2e-observer-${runId()}`, fromBeginning: true }, async (batch) => {
    records.push(...batch);
  });
  return records;
}

export function publishReadings(bus: Bus, readings: readonly Reading[]): Promise<void> {
  return bus.publish(
    BUS_TOPICS.telemetry,
    readings.map((reading) => ({ key: reading.deviceId, value: reading })),
  );
}

/**
 * `perDevice` readings per device, one device-minute apart and ending now (stores refuse points
 * outside their retention). PM2.5 climbs over the default rule's warning (150) for a stretch in
 * the middle of every 40 readings, so each device opens and resolves alerts along the way.
 */
export function airReadings(devices: readonly string[], perDevice: number, start = Date.now() - perDevice * 60_000): Reading[] {
  const readings: Reading[] = [];
  for (let seq = 0; seq < perDevice; seq++) {
    for (const deviceId of devices) {
      const ts = start + seq * 60_000;
      const phase = seq % 40;
      readings.push({
        deviceId,
        domain: 'environment',
        kind: 'air-station',
        siteId: deviceId,
        ward: 'Phường Hoàn Kiếm',
        ts,
        seq,
        receivedAt: Date.now(),
        metrics: { pm25: phase >= 10 && phase < 25 ? 180 + phase : 40 + phase },
      });
    }
  }
  return readings;
}

/** Opened alerts of the given devices, one entry per `opened` snapshot on the topic (so duplicates show). */
export function openedAlerts(records: readonly DeliveredRecord<typeof BUS_TOPICS.alerts>[], devices: ReadonlySet<string>): Alert[] {
  return records.map((record) => record.value).filter((alert) => alert.lastChange === 'opened' && devices.has(alert.deviceId));
}

export interface PartProcess {
  child: ChildProcess;
  port: number;
  /** The part's Prometheus text. */
  metrics(): Promise<string>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

/**
 * Starts one part (e.g. `processor/src/main.ts`) as its own process with tsx, on the run's
 * services and topic prefix, and waits until its /readyz answers. `port` keeps a restarted part
 * where its clients were (a free one when omitted).
 */
export async function startPart(script: string, services: Services, env: Record<string, string>, portVariable: string, port?: number): Promise<PartProcess> {
  port ??= await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...servicesEnv(services), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', [portVariable]: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const part: PartProcess = {
    child,
    port,
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    output: () => output,
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
    if (ready) return part;
    if (Date.now() > deadline) {
      await part.stop('SIGKILL');
      throw new Error(`${script} not ready within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The value of an unlabelled metric in Prometheus text, NaN when absent. */
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
