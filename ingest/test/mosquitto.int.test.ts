import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, inject, test, vi } from 'vitest';
import { BUS_TOPICS, deviceTopic } from '../../contracts/src/index.js';
import { examplePayload } from '../../test-support/device-examples.js';
import { FlakyBus, collect, startIngest, type StartedIngest } from './helpers.js';

/**
 * Ingest against Mosquitto, the production broker (the test instance of scripts/services: anonymous,
 * loopback). The broker is shared with other tests, so every name here is unique to the run and
 * every assertion looks at this run's device only.
 */
const { mqttUrl } = inject('services');
const run = randomUUID().slice(0, 8);
const siteId = `test-site-${run}`;
const waitLong = { timeout: 20_000, interval: 20 };

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connect(clientId: string, clean = true): Promise<MqttClient> {
  const client = await connectAsync(mqttUrl, { clientId, clean, protocolVersion: 4, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  return client;
}

/** Ingest sessions are persistent; remove them afterwards so the shared broker does not queue for them forever. */
async function startIngestSession(clientId: string, bus: FlakyBus, sharedGroup?: string): Promise<StartedIngest> {
  const started = await startIngest({ mqttUrl, bus, clientId, sharedGroup, account: null });
  cleanups.push(async () => {
    await started.ingest.close();
    await (await connectAsync(mqttUrl, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0 })).endAsync();
  });
  return started;
}

function publishReading(device: MqttClient, deviceId: string, seq: number) {
  const payload = { ...examplePayload('air-station'), deviceId, seq };
  return device.publishAsync(deviceTopic('environment', siteId, deviceId, 'telemetry'), JSON.stringify(payload), { qos: 1 });
}

describe('ingest with Mosquitto', () => {
  test('instances in one shared group split the messages: each reading reaches the bus once', async () => {
    const deviceId = `aq-shared-${run}`;
    const group = `ingest-${run}`;
    // One bus per instance, to see which instance published what.
    const buses = [new FlakyBus(), new FlakyBus()];
    const published = await Promise.all(buses.map((bus) => collect(bus, BUS_TOPICS.telemetry)));
    const instances = await Promise.all(buses.map((bus, i) => startIngestSession(`ingest-${i}-${run}`, bus, group)));
    const ours = (i: number) => published[i].filter((r) => r.key === deviceId);
    const device = await connect(`device-${run}`);

    const count = 200;
    await Promise.all(Array.from({ length: count }, (_, seq) => publishReading(device, deviceId, seq)));

    await vi.waitFor(() => expect(ours(0).length + ours(1).length).toBeGreaterThanOrEqual(count), waitLong);
    // Closing publishes whatever each instance took in: had both received every message, copies would show now.
    await Promise.all(instances.map(({ ingest }) => ingest.close()));
    const all = [...ours(0), ...ours(1)];
    expect(all).toHaveLength(count);
    expect(new Set(all.map((r) => r.value.seq)).size).toBe(count);
    expect(ours(0).length).toBeGreaterThan(0);
    expect(ours(1).length).toBeGreaterThan(0);
  });

  test('a message the bus never took is delivered again to the next ingest session', async () => {
    const deviceId = `aq-redeliver-${run}`;
    const clientId = `ingest-redeliver-${run}`;
    const downBus = new FlakyBus();
    downBus.failNext = Number.POSITIVE_INFINITY;
    const first = await startIngest({ mqttUrl, bus: downBus, clientId, account: null });
    const device = await connect(`device-${run}`);

    await publishReading(device, deviceId, 1);
    await vi.waitFor(() => expect(downBus.publishes).toBeGreaterThan(0), waitLong);
    await first.ingest.close();

    const bus = new FlakyBus();
    const readings = await collect(bus, BUS_TOPICS.telemetry);
    await startIngestSession(clientId, bus);
    await vi.waitFor(() => expect(readings.filter((r) => r.key === deviceId)).toHaveLength(1), waitLong);
  });
});
