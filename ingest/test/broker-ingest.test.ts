import { connectAsync, type MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, test } from 'vitest';
import { BUS_TOPICS, deviceTopic } from '../../contracts/src/index.js';
import { startEmbeddedBroker } from '../src/embedded-broker.js';
import { createBrokerIngest, type BrokerIngest } from '../src/ingest-service.js';
import { createIngestMetrics } from '../src/metrics.js';
import { DEVICE_ACCOUNT, FlakyBus, collect, silentLogger } from './helpers.js';

/**
 * The embedded default: the broker hands each device message to ingest before it answers, so a
 * device's QoS 1 PUBACK means the bus holds the reading. (aedes alone acknowledges on receipt; a
 * SIGKILL then lost what ingest had not yet published, standalone/test/sigkill-under-load.test.ts.)
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function brokerWithIngest(bus: FlakyBus): Promise<{ url: string; ingest: BrokerIngest }> {
  const ingest = createBrokerIngest({ bus, logger: silentLogger, metrics: createIngestMetrics(new Registry()), batch: { maxMessages: 50, maxDelayMs: 5 }, retry: { initialMs: 50, maxMs: 50 } });
  const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger: silentLogger, accounts: [DEVICE_ACCOUNT], handOver: (topic, payload) => ingest.accept(topic, payload) });
  cleanups.push(() => broker.close(), () => ingest.close());
  return { url: broker.url, ingest };
}

async function device(url: string): Promise<MqttClient> {
  const client = await connectAsync(url, { username: DEVICE_ACCOUNT.username, password: DEVICE_ACCOUNT.password, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

const reading = (seq: number) =>
  JSON.stringify({ deviceId: 'aq-hand-over-01', kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts: Date.now(), seq, values: { pm25: 40 + seq } });
const TOPIC = deviceTopic('environment', 'hn-hand-over', 'aq-hand-over-01', 'telemetry');

describe('the embedded broker with ingest in its process', () => {
  test('a PUBACK comes only once the bus holds the reading, also after the bus refused it for a while', async () => {
    const bus = new FlakyBus();
    const published = await collect(bus.inner, BUS_TOPICS.telemetry);
    const { url } = await brokerWithIngest(bus);
    const client = await device(url);

    await client.publishAsync(TOPIC, reading(1), { qos: 1 });
    // The bus took the batch before the PUBACK; its consumers get it a moment later.
    expect(bus.publishes).toBe(1);
    await expect.poll(() => published.map((record) => record.value.seq)).toEqual([1]);

    bus.failNext = 3;
    let acknowledged = false;
    const second = client.publishAsync(TOPIC, reading(2), { qos: 1 }).then(() => (acknowledged = true));
    await expect.poll(() => bus.publishes, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    expect(acknowledged).toBe(false);
    await second;
    // Three refusals, then the publish that succeeded, all before the PUBACK.
    expect(bus.publishes).toBe(5);
    await expect.poll(() => published.map((record) => record.value.seq)).toEqual([1, 2]);
  });

  test('a message arriving while ingest stops is not acknowledged: the device keeps it to send again', async () => {
    const bus = new FlakyBus();
    const { url, ingest } = await brokerWithIngest(bus);
    const client = await device(url);
    await ingest.close();
    let acknowledged = false;
    client.publish(TOPIC, reading(1), { qos: 1 }, (error) => (acknowledged = !error));
    await new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(acknowledged).toBe(false);
    expect(bus.publishes).toBe(0);
  });
});
