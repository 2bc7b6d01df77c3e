/**
 * `npm run fuzz -- [--duration 600] [--rate 1700] [--ingest handed-over|subscribed]`: hostile and
 * malformed MQTT traffic against the embedded broker, ingest (handed each message by the broker, as
 * `npm start` runs it, or subscribed to it, as the real stack runs it) and the on-disk bus in this process, beside one honest device whose
 * every acknowledged reading must reach ioc.telemetry. Prints what was tried, refused (connection
 * closed by the broker), dead-lettered, crashed and lost, and the RSS before and after, as JSON.
 * Not part of `npm test`: it runs for minutes (issue 9; results in RELIABILITY.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { BUS_TOPICS, deviceTopic } from '../contracts/src/index.js';
import { DeviceRegistry, createBrokerIngest, createIngest, createIngestMetrics, startEmbeddedBroker, type EmbeddedBroker, type Ingest } from '../ingest/src/index.js';
import { InProcessBus } from '../platform/src/index.js';

const { values: args } = parseArgs({
  options: { duration: { type: 'string', default: '600' }, rate: { type: 'string', default: '1700' }, ingest: { type: 'string', default: 'handed-over' } },
});
if (args.ingest !== 'handed-over' && args.ingest !== 'subscribed') throw new Error('--ingest is handed-over or subscribed');
const DURATION_MS = Number(args.duration) * 1000;
const RATE = Number(args.rate);
const SITE = 'fuzz-site';
const HONEST = 'lamp-honest';
const ATTACKERS = ['lamp-fuzz-1', 'lamp-fuzz-2', 'lamp-fuzz-3', 'lamp-fuzz-4'];

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const counts = { tried: 0, refusedConnections: 0, deadLetters: 0, honestSent: 0, honestAcknowledged: 0, honestStored: 0, crashes: 0 };
process.on('uncaughtException', (error) => {
  counts.crashes++;
  process.stderr.write(`uncaught: ${error.stack}\n`);
});

const directory = await mkdtemp(join(tmpdir(), 'ioc-fuzz-'));
const devices = await DeviceRegistry.open(join(directory, 'devices.json'));
const secrets = new Map<string, string>();
for (const id of [HONEST, ...ATTACKERS]) secrets.set(id, await devices.provision(id));
const logger = pino({ level: 'silent' });
const ingestLogin = { username: 'ingest', password: randomBytes(18).toString('base64url') };
// On disk, as `npm start` keeps it (IOC_DATA_DIR/bus).
const bus = new InProcessBus({ directory: join(directory, 'bus') });
const honestSeqs = new Set<number>();
await bus.consume(BUS_TOPICS.telemetry, { groupId: 'fuzz', fromBeginning: true }, async (batch) => {
  for (const { value } of batch) if (value.deviceId === HONEST && honestSeqs.delete(value.seq)) counts.honestStored++;
});
await bus.consume(BUS_TOPICS.deadLetter, { groupId: 'fuzz', fromBeginning: true }, async (batch) => {
  counts.deadLetters += batch.length;
});
const ingestOptions = { bus, logger, metrics: createIngestMetrics(new Registry()), batch: { maxMessages: 2000, maxDelayMs: 10 } };
const accounts = [{ ...ingestLogin, role: 'ingest' as const }];
const ingestClientId = `ioc-ingest-${randomBytes(12).toString('base64url')}`;
let ingest: Ingest;
let broker: EmbeddedBroker;
if (args.ingest === 'handed-over') {
  const handedOver = createBrokerIngest(ingestOptions);
  ingest = handedOver;
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger, accounts, devices, handOver: (topic, payload) => handedOver.accept(topic, payload) });
} else {
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger, accounts, devices });
  ingest = await createIngest({ ...ingestOptions, mqttUrl: broker.url, mqttOptions: { ...ingestLogin, clientId: ingestClientId } });
}

const lamp = (deviceId: string, change: Record<string, unknown> = {}) =>
  JSON.stringify({ deviceId, kind: 'lamp', ward: 'Phường Ba Đình', ts: Date.now(), seq: 1, powerState: 'on', values: { power: 118 }, faults: [], ...change });
const own = (deviceId: string) => deviceTopic('lighting', SITE, deviceId, 'telemetry');
const big = Buffer.alloc(100_000, 'x');

/** One hostile message: [topic, payload]; the ones the broker refuses close the connection. */
function hostile(deviceId: string, i: number): { topic: string; payload: string | Buffer; closes: boolean } {
  switch (i % 12) {
    case 0: return { topic: own(deviceId), payload: lamp(deviceId, { ts: 9e15 }), closes: false };
    case 1: return { topic: own(deviceId), payload: lamp(deviceId, { ts: 8.64e15, seq: 2 ** 53 - 1 }), closes: false };
    case 2: return { topic: own(deviceId), payload: lamp(deviceId, { seq: -1 }), closes: false };
    case 3: return { topic: own(deviceId), payload: big, closes: false };
    case 4: return { topic: own(deviceId), payload: '{"deviceId":', closes: false };
    case 5: return { topic: own(deviceId), payload: randomBytes(64), closes: false };
    case 6: return { topic: `ioc/lighting/${SITE}/${deviceId}/status`, payload: lamp(deviceId), closes: false };
    case 7: return { topic: `ioc/lighting/${SITE}/${deviceId}/telemetry/x`, payload: lamp(deviceId), closes: false };
    case 8: return { topic: own(deviceId), payload: lamp(HONEST), closes: false };
    case 9: return { topic: own(deviceId), payload: lamp(deviceId, { values: { power: 1e308 * 10 } }), closes: false };
    case 10: return { topic: own(HONEST), payload: lamp(HONEST, { seq: 2 ** 32 - 1 }), closes: true };
    default: return { topic: `city/${deviceId}`, payload: 'x', closes: true };
  }
}

async function login(deviceId: string, clientId?: string): Promise<MqttClient> {
  return connectAsync(broker.url, { username: deviceId, password: secrets.get(deviceId), protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...(clientId ? { clientId } : {}) });
}

/** Pre-login abuse: a 256 MB header, a wrong password, ingest's client id. */
async function preLogin(i: number): Promise<void> {
  counts.tried++;
  if (i % 3 === 0) {
    const socket = connectTcp({ host: '127.0.0.1', port: broker.port });
    socket.on('error', () => {});
    socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
    await new Promise((resolve) => socket.once('close', resolve));
    counts.refusedConnections++;
    return;
  }
  const attempt = i % 3 === 1
    ? connectAsync(broker.url, { username: ATTACKERS[0], password: 'guess', protocolVersion: 4, reconnectPeriod: 0 })
    : login(ATTACKERS[1], ingestClientId);
  await attempt.then((client) => client.endAsync(true), () => counts.refusedConnections++);
}

async function attacker(deviceId: string, until: number, perSecond: number): Promise<void> {
  let client = await login(deviceId);
  let i = 0;
  const started = Date.now();
  while (Date.now() < until) {
    const due = started + (i * 1000) / perSecond;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const message = hostile(deviceId, i++);
    counts.tried++;
    if (message.closes) {
      const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(message.topic, message.payload, { qos: 1 });
      await gone;
      counts.refusedConnections++;
      client = await login(deviceId);
      if (i % 50 === 0) await preLogin(i / 50);
    } else if (i % 100 === 0) {
      await client.publishAsync(message.topic, message.payload, { qos: 1 });
    } else {
      client.publish(message.topic, message.payload, { qos: 0 });
    }
  }
  await client.endAsync();
}

async function honest(until: number): Promise<void> {
  const client = await login(HONEST);
  for (let seq = 0; Date.now() < until; seq++) {
    honestSeqs.add(seq);
    counts.honestSent++;
    await client.publishAsync(own(HONEST), lamp(HONEST, { seq }), { qos: 1 });
    counts.honestAcknowledged++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await client.endAsync();
}

const rssBefore = rssMb();
let rssPeak = rssBefore;
/** RSS at each tenth of the run: flat once warm, or growing. */
const rssByTenth: number[] = [];
const runStarted = Date.now();
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, rssMb());
  if (Date.now() - runStarted >= ((rssByTenth.length + 1) * DURATION_MS) / 10) rssByTenth.push(rssMb());
}, 250);
const until = Date.now() + DURATION_MS;
await Promise.all([honest(until), ...ATTACKERS.map((id) => attacker(id, until, RATE / ATTACKERS.length))]);
// Let ingest put the last acknowledged readings on the bus.
for (let waited = 0; honestSeqs.size > 0 && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
clearInterval(sampler);
global.gc?.();
const rssAfter = rssMb();
const ingestReadyAtEnd = ingest.ready();
await ingest.close();
await bus.close();
await broker.close();
await rm(directory, { recursive: true, force: true });
const lost = counts.honestAcknowledged - counts.honestStored;
process.stdout.write(`${JSON.stringify({ ingest: args.ingest, durationSeconds: DURATION_MS / 1000, ...counts, lost, rssBeforeMb: rssBefore, rssPeakMb: rssPeak, rssAfterMb: rssAfter, rssByTenthMb: rssByTenth, ingestReadyAtEnd }, null, 2)}\n`);
process.exit(counts.crashes === 0 && lost === 0 && ingestReadyAtEnd ? 0 : 1);
