import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { BUS_TOPICS } from '../../contracts/src/index.js';
import { examplePayload, exampleTopic } from '../../test-support/device-examples.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../src/embedded-broker.js';
import type { Ingest } from '../src/ingest-service.js';
import { DEVICE_ACCOUNT, FlakyBus, INGEST_ACCOUNT, collect, silentLogger, startIngest } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBroker(): Promise<EmbeddedBroker> {
  const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger: silentLogger, accounts: [DEVICE_ACCOUNT, INGEST_ACCOUNT] });
  cleanups.push(() => broker.close());
  return broker;
}

async function started<T extends { ingest: Ingest }>(ingest: Promise<T>): Promise<T> {
  const result = await ingest;
  cleanups.push(() => result.ingest.close());
  return result;
}

async function connectDevice(broker: EmbeddedBroker): Promise<MqttClient> {
  const device = await connectAsync(broker.url, { username: DEVICE_ACCOUNT.username, password: DEVICE_ACCOUNT.password, protocolVersion: 4, reconnectPeriod: 0 });
  cleanups.push(() => device.endAsync());
  return device;
}

function publishExample(device: MqttClient, kind: Parameters<typeof exampleTopic>[0], change: (p: Record<string, any>) => void = () => {}) {
  const payload = examplePayload(kind);
  change(payload);
  return device.publishAsync(exampleTopic(kind), JSON.stringify(payload), { qos: 1 });
}

const waitLong = { timeout: 10_000, interval: 10 };

describe('ingest', () => {
  test('a reading a device publishes reaches ioc.telemetry, keyed by device', async () => {
    const broker = await startBroker();
    const bus = new FlakyBus();
    const readings = await collect(bus, BUS_TOPICS.telemetry);
    const { ingest } = await started(startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-a' }));
    expect(ingest.ready()).toBe(true);

    const device = await connectDevice(broker);
    await publishExample(device, 'air-station');

    await vi.waitFor(() => expect(readings).toHaveLength(1), waitLong);
    expect(readings[0].key).toBe('aq-hk-01');
    expect(readings[0].value).toMatchObject({ deviceId: 'aq-hk-01', siteId: 'hn-hoankiem-aq', domain: 'environment', metrics: { pm25: 38.2 } });
  });

  test('a camera event reaches ioc.camera-events, keyed by its site so the cameras of a site are counted together', async () => {
    const broker = await startBroker();
    const bus = new FlakyBus();
    const events = await collect(bus, BUS_TOPICS.cameraEvents);
    await started(startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-b' }));

    await publishExample(await connectDevice(broker), 'camera');

    await vi.waitFor(() => expect(events).toHaveLength(1), waitLong);
    expect(events[0]).toMatchObject({ key: 'hn-kimma-x', value: { deviceId: 'cam-km-01', eventId: 'evt-20260115-0310', eventType: 'congestion' } });
  });

  test('refused messages reach ioc.deadletter with code and reason, and ingest goes on', async () => {
    const broker = await startBroker();
    const bus = new FlakyBus();
    const readings = await collect(bus, BUS_TOPICS.telemetry);
    const deadLetters = await collect(bus, BUS_TOPICS.deadLetter);
    const { metrics } = await started(startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-c' }));
    const device = await connectDevice(broker);

    await device.publishAsync(exampleTopic('air-station'), 'not json at all', { qos: 1 });
    await device.publishAsync(exampleTopic('air-station'), Buffer.from([0xc3, 0x28]), { qos: 1 });
    await device.publishAsync('ioc/water/site-1/dev-1/telemetry', JSON.stringify(examplePayload('air-station')), { qos: 1 });
    await publishExample(device, 'surface-water-station', (p) => (p.values.ph = '7.2'));
    await publishExample(device, 'rain-gauge');

    await vi.waitFor(() => expect(readings).toHaveLength(1), waitLong);
    await vi.waitFor(() => expect(deadLetters).toHaveLength(4), waitLong);
    expect(readings[0].value.deviceId).toBe('rg-hb-02');
    expect(deadLetters.map((r) => r.value.code)).toEqual(['IOC_PAYLOAD_NOT_JSON', 'IOC_PAYLOAD_NOT_JSON', 'IOC_TOPIC_UNKNOWN', 'IOC_INVALID_PAYLOAD']);
    const invalid = deadLetters[3];
    expect(invalid.key).toBe(exampleTopic('surface-water-station'));
    expect(invalid.headers).toEqual({ 'ioc-error-code': 'IOC_INVALID_PAYLOAD', 'ioc-reason': invalid.value.reason, 'ioc-source': 'mqtt' });
    expect(invalid.value.issues).toEqual([{ path: 'values.ph', message: 'Invalid input: expected number, received string' }]);
    expect(deadLetters[1].value).toMatchObject({ payload: Buffer.from([0xc3, 0x28]).toString('base64'), payloadEncoding: 'base64' });

    const invalidByCode = Object.fromEntries((await metrics.invalidMessages.get()).values.map((v) => [v.labels.code, v.value]));
    expect(invalidByCode).toEqual({ IOC_PAYLOAD_NOT_JSON: 2, IOC_TOPIC_UNKNOWN: 1, IOC_INVALID_PAYLOAD: 1 });
  });

  test('a message whose bus publish fails is published again, not lost', async () => {
    const broker = await startBroker();
    const bus = new FlakyBus();
    const readings = await collect(bus, BUS_TOPICS.telemetry);
    const { metrics } = await started(startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-d' }));
    bus.failNext = 2;

    await publishExample(await connectDevice(broker), 'lamp');

    await vi.waitFor(() => expect(readings).toHaveLength(1), waitLong);
    expect(readings[0].value).toMatchObject({ deviceId: 'lamp-bd-0141', metrics: { faults: 0 } });
    expect(bus.publishes).toBe(3);
    expect((await metrics.busPublishFailures.get()).values[0].value).toBe(2);
  });

  test('a message the bus never took stays with the broker and reaches the next ingest session', async () => {
    const broker = await startBroker();
    const downBus = new FlakyBus();
    downBus.failNext = Number.POSITIVE_INFINITY;
    const first = await startIngest({ mqttUrl: broker.url, bus: downBus, clientId: 'ingest-e' });

    await publishExample(await connectDevice(broker), 'traffic-counter');
    await vi.waitFor(() => expect(downBus.publishes).toBeGreaterThan(0), waitLong);
    await first.ingest.close();

    const bus = new FlakyBus();
    const readings = await collect(bus, BUS_TOPICS.telemetry);
    await started(startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-e' }));

    await vi.waitFor(() => expect(readings).toHaveLength(1), waitLong);
    expect(readings[0].value).toMatchObject({ deviceId: 'tc-km-01', metrics: { vehicleCount: 37 } });
  });

  test('messages travel in batches, in order, and each is acknowledged: a new session gets none again', async () => {
    const broker = await startBroker();
    const bus = new FlakyBus();
    const readings = await collect(bus, BUS_TOPICS.telemetry);
    const first = await startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-f' });
    const device = await connectDevice(broker);

    const count = 300;
    await Promise.all(Array.from({ length: count }, (_, seq) => publishExample(device, 'rain-gauge', (p) => (p.seq = seq))));
    await vi.waitFor(() => expect(readings).toHaveLength(count), waitLong);
    expect(readings.map((r) => r.value.seq)).toEqual(Array.from({ length: count }, (_, seq) => seq));
    expect(bus.publishes).toBeLessThan(count / 2);
    await first.ingest.close();

    await started(startIngest({ mqttUrl: broker.url, bus, clientId: 'ingest-f' }));
    await publishExample(device, 'rain-gauge', (p) => (p.seq = count));
    await vi.waitFor(() => expect(readings.at(-1)?.value.seq).toBe(count), waitLong);
    expect(readings).toHaveLength(count + 1);
  });

  test('a wrong password is refused at start with what to fix', async () => {
    const broker = await startBroker();
    const attempt = startIngest({ mqttUrl: broker.url, bus: new FlakyBus(), clientId: 'ingest-g', account: { ...INGEST_ACCOUNT, password: 'wrong' } });
    await expect(attempt).rejects.toMatchObject({
      code: 'IOC_MQTT_REFUSED',
      message: expect.stringContaining('check MQTT_USERNAME and MQTT_PASSWORD'),
    });
  });

  test('a device account may not stand in for ingest: its subscription is refused', async () => {
    const broker = await startBroker();
    const attempt = startIngest({ mqttUrl: broker.url, bus: new FlakyBus(), clientId: 'ingest-h', account: DEVICE_ACCOUNT });
    await expect(attempt).rejects.toMatchObject({ code: 'IOC_MQTT_REFUSED', message: expect.stringContaining('subscription to ioc/# refused') });
  });
});
