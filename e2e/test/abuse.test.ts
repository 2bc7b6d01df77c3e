import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { BUS_TOPICS, deviceTopic, type Alert, type DeadLetter, type Reading } from '../../contracts/src/index.js';
import { DeviceRegistry, createBrokerIngest, createBrokerMetrics, createIngest, createIngestMetrics, startEmbeddedBroker, type EmbeddedBroker, type Ingest } from '../../ingest/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { RuleEngine, defaultRuleSet } from '../../rule-core/src/index.js';

/**
 * What someone holding one device's login, or none, tries against the embedded default (issue 9),
 * on loopback: the embedded broker with per-device identities, ingest and the in-process bus, the
 * readings run through the default rules. Each attempt is refused or dead-lettered with its
 * reason, and an honest device's reading published after it still reaches ioc.telemetry.
 */

const SITE = 'hn-cab-bd-014';
const VICTIM = 'lamp-bd-0141';
const ATTACKER = 'lamp-bd-0666';
const HONEST = 'lamp-bd-0142';
const LAMP_TOPIC = (deviceId: string, channel: 'telemetry' | 'event' = 'telemetry') => deviceTopic('lighting', SITE, deviceId, channel);

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

const logLines: LogLine[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
const secrets = new Map<string, string>();
const readings: Reading[] = [];
const deadLetters: DeadLetter[] = [];
const alerts: Alert[] = [];
const clients: MqttClient[] = [];
let engine: RuleEngine;
let registry: Registry;
let directory: string;
let broker: EmbeddedBroker;
let bus: InProcessBus;
let ingest: Ingest;
let ingestClientId: string;
let honestSeq = 0;
const ingestLogin = { username: 'ingest', password: randomBytes(18).toString('base64url') };

/**
 * `subscribed`: ingest as the real stack runs it, an MQTT client of the broker. `handed-over`: as
 * `npm start` runs it, handed each message by the embedded broker before the device is answered.
 */
type IngestPath = 'subscribed' | 'handed-over';

async function startStack(path: IngestPath): Promise<void> {
  for (const list of [logLines, readings, deadLetters, alerts] as unknown[][]) list.length = 0;
  engine = new RuleEngine(defaultRuleSet());
  registry = new Registry();
  directory = await mkdtemp(join(tmpdir(), 'ioc-abuse-'));
  const devices = await DeviceRegistry.open(join(directory, 'devices.json'));
  for (const id of [VICTIM, ATTACKER, HONEST]) secrets.set(id, await devices.provision(id));
  bus = new InProcessBus();
  await bus.consume(BUS_TOPICS.telemetry, { groupId: 'abuse', fromBeginning: true }, async (batch) => {
    for (const { value } of batch) {
      readings.push(value);
      alerts.push(...engine.onReading(value));
    }
  });
  await bus.consume(BUS_TOPICS.deadLetter, { groupId: 'abuse', fromBeginning: true }, async (batch) => {
    deadLetters.push(...batch.map((record) => record.value));
  });
  const ingestOptions = { bus, logger, metrics: createIngestMetrics(registry), batch: { maxMessages: 50, maxDelayMs: 5 } };
  const accounts = [{ ...ingestLogin, role: 'ingest' as const }];
  const metrics = createBrokerMetrics(registry);
  if (path === 'handed-over') {
    const handedOver = createBrokerIngest(ingestOptions);
    ingest = handedOver;
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger, accounts, devices, metrics, handOver: (topic, payload) => handedOver.accept(topic, payload) });
    return;
  }
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger, accounts, devices, metrics });
  ingestClientId = `ioc-ingest-${randomBytes(12).toString('base64url')}`;
  ingest = await createIngest({ ...ingestOptions, mqttUrl: broker.url, mqttOptions: { ...ingestLogin, clientId: ingestClientId } });
}

async function stopStack(): Promise<void> {
  for (const client of clients.splice(0)) await client.endAsync(true);
  await ingest?.close();
  await bus?.close();
  await broker?.close();
  await rm(directory, { recursive: true, force: true });
}

const waitLong = { timeout: 10_000, interval: 10 };

async function login(deviceId: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync(broker.url, { username: deviceId, password: secrets.get(deviceId), protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(client);
  return client;
}

function lampPayload(deviceId: string, change: Record<string, unknown> = {}) {
  return { deviceId, kind: 'lamp', ward: 'Phường Ba Đình', ts: Date.now(), seq: 1, powerState: 'on', values: { power: 118, voltage: 229 }, faults: [], ...change };
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

function deadLettersWith(code: string): DeadLetter[] {
  return deadLetters.filter((letter) => letter.code === code);
}

async function counted(metric: string, label: string, value: string): Promise<number> {
  const found = (await registry.getSingleMetric(metric)?.get())?.values.find((sample) => sample.labels[label] === value);
  return found?.value ?? 0;
}

const invalidCount = (code: string) => counted('ioc_ingest_invalid_messages_total', 'code', code);
const brokerRefusals = (reason: string) => counted('ioc_mqtt_broker_refusals_total', 'reason', reason);

/** An honest device's reading, published after the attempt, reaches the bus: the process is alive and unaffected. */
async function honestTrafficStillFlows(): Promise<void> {
  const seq = ++honestSeq;
  const device = await login(HONEST);
  await device.publishAsync(LAMP_TOPIC(HONEST), JSON.stringify(lampPayload(HONEST, { seq })), { qos: 1 });
  await vi.waitFor(() => expect(readings.some((reading) => reading.deviceId === HONEST && reading.seq === seq)).toBe(true), waitLong);
  await device.endAsync();
  expect(ingest.ready()).toBe(true);
}

describe.each<IngestPath>(['subscribed', 'handed-over'])('abuse of the embedded broker, ingest %s: each attempt refused or dead-lettered with its reason', (path) => {
  beforeAll(() => startStack(path));
  afterAll(stopStack);

  test('a device cannot publish as another: the broker closes its connection and nothing reaches the bus', async () => {
    const attacker = await login(ATTACKER);
    const gone = closed(attacker);
    attacker.publish(LAMP_TOPIC(VICTIM), JSON.stringify(lampPayload(VICTIM, { seq: 4242 })), { qos: 1 });
    await gone;

    expect(logLines.some((line) => line.username === ATTACKER && line.topic === LAMP_TOPIC(VICTIM) && String(line.msg).startsWith('MQTT publish refused'))).toBe(true);
    expect(await brokerRefusals('publish-topic')).toBe(1);
    await honestTrafficStillFlows();
    expect(readings.some((reading) => reading.deviceId === VICTIM)).toBe(false);
  });

  test('on its own topic, a payload naming another device is a topic mismatch', async () => {
    const attacker = await login(ATTACKER);
    await attacker.publishAsync(LAMP_TOPIC(ATTACKER), JSON.stringify(lampPayload(VICTIM)), { qos: 1 });
    await vi.waitFor(() => expect(deadLettersWith('IOC_TOPIC_MISMATCH')).toHaveLength(1), waitLong);
    expect(deadLettersWith('IOC_TOPIC_MISMATCH')[0].issues).toEqual([{ path: 'deviceId', message: `deviceId "${VICTIM}" differs from "${ATTACKER}" in the topic` }]);
    await honestTrafficStillFlows();
  });

  test('a device may not subscribe, not even to its own topics', async () => {
    const attacker = await login(ATTACKER);
    await expect(attacker.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(attacker.subscribeAsync(LAMP_TOPIC(ATTACKER), { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(await brokerRefusals('subscribe')).toBe(2);
  });

  test('time bombs: readings stamped 9e15 or 8.64e15 are dead letters naming `ts`', async () => {
    const device = await login(ATTACKER);
    for (const ts of [9e15, 8.64e15]) await device.publishAsync(LAMP_TOPIC(ATTACKER), JSON.stringify(lampPayload(ATTACKER, { ts, seq: 7 })), { qos: 1 });
    await vi.waitFor(() => expect(deadLettersWith('IOC_READING_TIME_OUT_OF_RANGE')).toHaveLength(2), waitLong);
    expect(deadLettersWith('IOC_READING_TIME_OUT_OF_RANGE').map((letter) => letter.issues[0].path)).toEqual(['ts', 'ts']);
    expect(readings.some((reading) => reading.deviceId === ATTACKER && reading.seq === 7)).toBe(false);
    await honestTrafficStillFlows();
  });

  test('sequence poisoning: a wild seq is refused, and the largest allowed one cannot hide a later fault', async () => {
    const device = await login(VICTIM);
    await device.publishAsync(LAMP_TOPIC(VICTIM), JSON.stringify(lampPayload(VICTIM, { seq: 2 ** 53 - 1 })), { qos: 1 });
    await vi.waitFor(() => expect(deadLetters.some((letter) => letter.code === 'IOC_INVALID_PAYLOAD' && letter.issues[0]?.path === 'seq')).toBe(true), waitLong);

    // The worst a device can still send: the top of its counter, stamped as far ahead as allowed.
    const poisonTs = Date.now() + 4 * 60_000;
    await device.publishAsync(LAMP_TOPIC(VICTIM), JSON.stringify(lampPayload(VICTIM, { seq: 2 ** 32 - 1, ts: poisonTs })), { qos: 1 });
    // The device restarts: its counter begins again, its clock goes on.
    await device.publishAsync(LAMP_TOPIC(VICTIM), JSON.stringify(lampPayload(VICTIM, { seq: 0, ts: poisonTs + 1000, faults: ['lamp-failure'] })), { qos: 1 });
    await vi.waitFor(() => expect(alerts.some((alert) => alert.deviceId === VICTIM && alert.ruleId === 'lighting-faults')).toBe(true), waitLong);
    await honestTrafficStillFlows();
  });

  test('an oversized payload is a dead letter keeping 4 KiB and its size; a larger packet closes the connection', async () => {
    const device = await login(ATTACKER);
    await device.publishAsync(LAMP_TOPIC(ATTACKER), Buffer.alloc(100_000, 'x'), { qos: 1 });
    await vi.waitFor(() => expect(deadLettersWith('IOC_PAYLOAD_TOO_LARGE')).toHaveLength(1), waitLong);
    const [letter] = deadLettersWith('IOC_PAYLOAD_TOO_LARGE');
    expect(letter.payloadBytes).toBe(100_000);
    expect(letter.payload).toHaveLength(4096);

    const gone = closed(device);
    device.publish(LAMP_TOPIC(ATTACKER), Buffer.alloc(10 * 1024 * 1024, 'x'), { qos: 1 });
    await gone;
    expect(logLines.some((line) => String(line.msg).startsWith('MQTT packet too large'))).toBe(true);
    await honestTrafficStillFlows();
  });

  test('malformed payloads are dead letters with their reason', async () => {
    const device = await login(ATTACKER);
    const before = deadLettersWith('IOC_PAYLOAD_NOT_JSON').length;
    await device.publishAsync(LAMP_TOPIC(ATTACKER), '{"deviceId":', { qos: 1 });
    await device.publishAsync(LAMP_TOPIC(ATTACKER), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { qos: 1 });
    await device.publishAsync(LAMP_TOPIC(ATTACKER), JSON.stringify(lampPayload(ATTACKER, { values: { power: 'NaN' } })), { qos: 1 });
    await vi.waitFor(() => expect(deadLettersWith('IOC_PAYLOAD_NOT_JSON').length - before).toBe(2), waitLong);
    await vi.waitFor(() => expect(deadLetters.some((letter) => letter.code === 'IOC_INVALID_PAYLOAD' && letter.issues[0]?.path === 'values.power')).toBe(true), waitLong);
    await honestTrafficStillFlows();
  });

  test('off-scheme topics under ioc/ are dead letters and counted; a topic outside ioc/ closes the connection', async () => {
    const device = await login(ATTACKER);
    const counted = await invalidCount('IOC_TOPIC_UNKNOWN');
    await device.publishAsync(`ioc/lighting/${SITE}/${ATTACKER}/status`, JSON.stringify(lampPayload(ATTACKER)), { qos: 1 });
    await device.publishAsync(`ioc/lighting/${SITE}/${ATTACKER}`, JSON.stringify(lampPayload(ATTACKER)), { qos: 1 });
    await vi.waitFor(() => expect(deadLettersWith('IOC_TOPIC_UNKNOWN')).toHaveLength(2), waitLong);
    expect(await invalidCount('IOC_TOPIC_UNKNOWN')).toBe(counted + 2);

    const gone = closed(device);
    device.publish(`city/${ATTACKER}`, 'x', { qos: 1 });
    await gone;
    await honestTrafficStillFlows();
  });

  test('a packet declaring 256 MB before any login is refused from its header', async () => {
    const socket = connectTcp({ host: '127.0.0.1', port: broker.port });
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // CONNECT (type 1) whose remaining length is 268,435,455 bytes, the MQTT maximum.
    socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
    await ended;
    expect(logLines.some((line) => String(line.msg).startsWith('MQTT packet too large') && (line.declaredAtLeast as number) > 128 * 1024)).toBe(true);
    expect(await brokerRefusals('packet-size')).toBe(2);
    await honestTrafficStillFlows();
  });

  test.runIf(path === 'subscribed')("no device can take ingest's session: its client id is refused to any other account", async () => {
    await expect(login(ATTACKER, { clientId: ingestClientId, clean: false })).rejects.toThrow(/Identifier rejected/i);
    expect(await brokerRefusals('client-id')).toBe(1);
    await honestTrafficStillFlows();
  });

  test('retained messages are not kept: a later subscriber hears only new messages', async () => {
    const device = await login(ATTACKER);
    await device.publishAsync(LAMP_TOPIC(ATTACKER), JSON.stringify(lampPayload(ATTACKER, { seq: 100 })), { qos: 1, retain: true });
    await vi.waitFor(() => expect(readings.some((reading) => reading.deviceId === ATTACKER && reading.seq === 100)).toBe(true), waitLong);

    const listener = await connectAsync(broker.url, { ...ingestLogin, clientId: `retained-${randomBytes(6).toString('hex')}`, protocolVersion: 4, reconnectPeriod: 0 });
    clients.push(listener);
    const first = new Promise<number>((resolve) => listener.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString()).seq)));
    await listener.subscribeAsync(LAMP_TOPIC(ATTACKER), { qos: 1 });
    await device.publishAsync(LAMP_TOPIC(ATTACKER), JSON.stringify(lampPayload(ATTACKER, { seq: 101 })), { qos: 1 });
    expect(await first).toBe(101);
  });
});
