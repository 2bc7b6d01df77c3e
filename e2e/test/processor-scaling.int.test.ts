import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BUS_TOPICS, type Alert } from '../../contracts/src/index.js';
import type { KafkaBus } from '../../platform/src/index.js';
import { startProcessor, type Processor } from '../../processor/src/index.js';
import { LocalSink, startStoreWriter } from '../../store-writer/src/index.js';
import { airReadings, collect, kafkaBus, logger, openedAlerts, publishReadings, runId, sleep } from './support.js';

/**
 * Two processor instances in one consumer group (each with its own Kafka client, so two group
 * members) split the telemetry partitions, and raise the same alerts as one instance over the
 * same readings.
 */
const services = inject('services');
const run = runId();
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

interface Instance {
  processor: Processor;
  sink: LocalSink;
  registry: Registry;
}

async function startInstance(topicPrefix: string, name: string): Promise<Instance> {
  const bus: KafkaBus = await kafkaBus(services, topicPrefix, `scaling-${name}-${run}`);
  const sink = new LocalSink({ memoryLimit: 100_000 });
  const registry = new Registry();
  const processor = await startProcessor({ bus, logger, registry, instanceId: `${name}-${run}` });
  const storeWriter = await startStoreWriter({ bus, logger, registry, sink });
  closers.push(() => bus.close(), () => processor.close(), () => storeWriter.close());
  return { processor, sink, registry };
}

async function processed(instance: Instance): Promise<number> {
  const [value] = (await instance.registry.getSingleMetric('ioc_processor_readings_processed_total')!.get()).values;
  return value?.value ?? 0;
}

/** Feeds the readings to `instances` on their topics and returns the opened alerts once all readings are stored. */
async function alertsOf(topicPrefix: string, instances: Instance[], devices: string[], perDevice: number): Promise<Alert[]> {
  const bus = await kafkaBus(services, topicPrefix);
  closers.push(() => bus.close());
  const alerts = await collect(bus, BUS_TOPICS.alerts);
  // Until every member has joined the group and been given its partitions.
  await sleep(4_000);
  const readings = airReadings(devices, perDevice, Date.UTC(2026, 0, 15));
  for (let i = 0; i < readings.length; i += 400) await publishReadings(bus, readings.slice(i, i + 400));
  // Distinct measured readings: a rebalance redelivers some (at-least-once), and hourly averages are derived ones.
  const measured = (instance: Instance) => instance.sink.recentReadings().filter((reading) => reading.derived === undefined);
  const stored = () => new Set(instances.flatMap((instance) => measured(instance).map((reading) => `${reading.deviceId}/${reading.seq}`))).size;
  for (let waited = 0; waited < 60_000 && stored() < readings.length; waited += 200) await sleep(200);
  expect(stored()).toBe(readings.length);
  // The store writer is not the processor: wait for the rule engine to have seen them all too.
  const evaluated = async () => (await Promise.all(instances.map(processed))).reduce((sum, count) => sum + count, 0);
  for (let waited = 0; waited < 30_000 && (await evaluated()) < readings.length; waited += 200) await sleep(200);
  await sleep(1_000);
  return openedAlerts(alerts, new Set(devices));
}

describe('processor instances sharing the telemetry partitions', () => {
  it('split the readings and raise exactly the alerts of one instance', async () => {
    const devices = Array.from({ length: 24 }, (_, i) => `scale-${run}-${i}`);

    const single = await alertsOf(`scale1-${run}.`, [await startInstance(`scale1-${run}.`, 'single')], devices, 120);
    const pair = [await startInstance(`scale2-${run}.`, 'first'), await startInstance(`scale2-${run}.`, 'second')];
    const shared = await alertsOf(`scale2-${run}.`, pair, devices, 120);

    expect(single.length).toBe(devices.length * 3);
    expect(shared.map((alert) => alert.id).sort()).toEqual(single.map((alert) => alert.id).sort());
    const [first, second] = await Promise.all(pair.map(processed));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(first + second).toBeGreaterThanOrEqual(devices.length * 120);
  }, 120_000);
});
