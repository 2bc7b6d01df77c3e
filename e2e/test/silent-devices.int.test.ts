import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BUS_TOPICS, RuleSetSchema, type Reading } from '../../contracts/src/index.js';
import { startProcessor, type Processor } from '../../processor/src/index.js';
import { collect, kafkaBus, logger, openedAlerts, runId, sleep, startPart, type PartProcess } from './support.js';

/**
 * The missing-data rule across processor restarts and rebalances, on real Kafka: an instance
 * that hands partitions to a new one stops waiting for their devices (no false "no data"), a
 * restarted processor still reports a device that went quiet before it came back, and an instance
 * that takes over the partitions of one killed with SIGKILL reports that one's quiet devices.
 */
const services = inject('services');
const run = runId();
const topicPrefix = `silent-${run}.`;
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** Silent after max(3 × its interval, 2 s); nobody is flagged in a processor's first 4 s. */
const RULES = RuleSetSchema.parse({
  id: 'silent-devices-test',
  version: 1,
  rules: [
    {
      id: 'no-data',
      version: 1,
      name: { vi: 'Mất dữ liệu', en: 'No data' },
      type: 'missing-data',
      domain: 'environment',
      intervalMultiplier: 3,
      minIntervalSeconds: 2,
      startupGraceSeconds: 4,
    },
  ],
});

async function startInstance(name: string, prefix = topicPrefix): Promise<Processor> {
  const bus = await kafkaBus(services, prefix, `silent-${name}-${run}`);
  const processor = await startProcessor({
    bus,
    builtInRuleSet: RULES,
    logger,
    registry: new Registry(),
    instanceId: `${name}-${run}`,
    tickIntervalMs: 250,
    checkpointIntervalMs: 500,
  });
  closers.push(() => bus.close(), () => processor.close());
  return processor;
}

/** Every device in `speaking` reports every 250 ms, stamped when sent, until `stop` is called. */
function feedDevices(feeder: Awaited<ReturnType<typeof kafkaBus>>, speaking: ReadonlySet<string>): { stop(): Promise<void> } {
  let seq = 0;
  let feeding = true;
  const feed = (async () => {
    while (feeding) {
      const now = Date.now();
      const readings: Reading[] = [...speaking].map((deviceId) => ({
        deviceId,
        domain: 'environment',
        kind: 'air-station',
        siteId: deviceId,
        ward: 'Phường Hoàn Kiếm',
        ts: now,
        seq,
        receivedAt: now,
        metrics: { pm25: 35 },
      }));
      seq++;
      await feeder.publish(BUS_TOPICS.telemetry, readings.map((value) => ({ key: value.deviceId, value })));
      await sleep(250);
    }
  })();
  return {
    stop: async () => {
      feeding = false;
      await feed;
    },
  };
}

describe('silent devices across processor restarts and rebalances', () => {
  it('raises no false alert on a rebalance, and reports a device that went quiet across a restart', async () => {
    const devices = Array.from({ length: 8 }, (_, i) => `silent-${run}-${i}`);
    const quiet = devices[0];
    const feeder = await kafkaBus(services, topicPrefix);
    closers.push(() => feeder.close());
    const alerts = await collect(feeder, BUS_TOPICS.alerts);

    const speaking = new Set(devices);
    const feed = feedDevices(feeder, speaking);

    const first = await startInstance('first');
    await sleep(3_000);
    // A second instance joins: the group hands it some partitions and their devices.
    const second = await startInstance('second');
    await sleep(8_000);
    expect(openedAlerts(alerts, new Set(devices))).toEqual([]);

    // One device goes quiet; once its last reading is checkpointed both instances stop.
    speaking.delete(quiet);
    await sleep(1_500);
    await Promise.all([first.close(), second.close()]);
    await sleep(2_000);

    // A fresh instance never hears from the quiet device, and reports it after its grace period.
    await startInstance('restarted');
    for (let waited = 0; waited < 20_000 && openedAlerts(alerts, new Set(devices)).length === 0; waited += 250) await sleep(250);
    await sleep(2_000);
    await feed.stop();
    const opened = openedAlerts(alerts, new Set(devices));
    expect(opened.map((alert) => [alert.deviceId, alert.ruleId])).toEqual([[quiet, 'no-data']]);
    expect(opened[0].evidence).toMatchObject({ usualIntervalSeconds: expect.closeTo(0.25, 1) });
  }, 90_000);

  it('reports the quiet devices of an instance killed with SIGKILL once another has taken over its partitions', async () => {
    const prefix = `silent-takeover-${run}.`;
    const steady = Array.from({ length: 4 }, (_, i) => `steady-${run}-${i}`);
    // Devices that first speak after the second instance joined, and go quiet later: the survivor
    // never hears those of the other's partitions and learns them only by following ioc.devices.
    const quiet = new Set(Array.from({ length: 20 }, (_, i) => `late-${run}-${i}`));
    const devices = new Set([...steady, ...quiet]);
    const feeder = await kafkaBus(services, prefix);
    closers.push(() => feeder.close());
    const alerts = await collect(feeder, BUS_TOPICS.alerts);
    const speaking = new Set(steady);
    const feed = feedDevices(feeder, speaking);

    await startInstance('survivor', prefix);
    await sleep(3_000);
    const env = { KAFKA_TOPIC_PREFIX: prefix, KAFKA_TELEMETRY_PARTITIONS: '4', PROCESSOR_TICK_INTERVAL_MS: '250', PROCESSOR_CHECKPOINT_INTERVAL_MS: '500' };
    const killed: PartProcess = await startPart('processor/src/main.ts', services, env, 'PROCESSOR_PORT');
    closers.push(() => killed.stop('SIGKILL'));
    await sleep(3_000);
    for (const deviceId of quiet) speaking.add(deviceId);
    await sleep(6_000);
    expect(openedAlerts(alerts, devices)).toEqual([]);

    for (const deviceId of quiet) speaking.delete(deviceId);
    await sleep(1_200);
    // No checkpoint at close: the group evicts it after its 30 s session timeout.
    await killed.stop('SIGKILL');
    for (let waited = 0; waited < 60_000 && openedAlerts(alerts, devices).length < quiet.size; waited += 250) await sleep(250);
    await sleep(2_000);
    await feed.stop();
    const opened = openedAlerts(alerts, devices);
    expect(new Set(opened.map((alert) => alert.deviceId))).toEqual(quiet);
    expect(opened).toHaveLength(quiet.size);
  }, 120_000);
});
