import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { BUS_TOPICS, type Reading } from '../../contracts/src/index.js';
import { createBusMetrics, KafkaBus, kafkaGroupId, type BusMetrics, type BusRecord, type DeliveredRecord, type Subscription } from '../src/bus/index.js';
import { createLogger } from '../src/logger.js';

/**
 * A consumer group on a real broker while its membership changes under load: one member handles
 * and commits, a second joins, then the first leaves, and records are published all along. The
 * commits before each rebalance and at the leave must mean that no record is handed to a handler
 * twice, and that none is skipped.
 */
const services = inject('services');
const logger = createLogger('kafka-rebalance-test', process.env.LOG_LEVEL ?? 'silent');
const topicPrefix = `test-${randomUUID().slice(0, 8)}.`;
const kafkaTopic = topicPrefix + BUS_TOPICS.telemetry;
const group = 'processors';
const devices = Array.from({ length: 40 }, (_, i) => `dev-${i}`);
let admin: Admin;

beforeAll(async () => {
  admin = new Kafka({ brokers: services.kafkaBrokers, clientId: 'kafka-rebalance-test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.deleteTopics({ topics: Object.values(BUS_TOPICS).map((topic) => topicPrefix + topic) });
  await admin.disconnect();
});

interface Member {
  bus: KafkaBus;
  metrics: BusMetrics;
  subscription: Subscription;
  /** Records this member's handler was given, as `device/seq`. */
  handled: string[];
}

/** Deliveries per record (`device/seq`), across every member. */
const deliveries = new Map<string, number>();

async function join(): Promise<Member> {
  const metrics = createBusMetrics(new Registry());
  // A short session makes heartbeats, and so the news of a rebalance, come every second.
  const bus = await KafkaBus.connect({ brokers: services.kafkaBrokers, clientId: 'kafka-rebalance-test', topicPrefix, sessionTimeoutMs: 10_000, partitionsConsumedConcurrently: 3, metrics, logger });
  const handled: string[] = [];
  const subscription = await bus.consume(BUS_TOPICS.telemetry, { groupId: group, fromBeginning: true }, async (records: DeliveredRecord<'ioc.telemetry'>[]) => {
    // Handling takes a while, so rebalances find batches in hand.
    await new Promise((resolve) => setTimeout(resolve, 15));
    for (const { value } of records) {
      const id = `${value.deviceId}/${value.seq}`;
      handled.push(id);
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    }
  });
  return { bus, metrics, subscription, handled };
}

function reading(deviceId: string, seq: number): Reading {
  return { deviceId, domain: 'environment', kind: 'air-station', siteId: 'st-1', ward: 'Phường Láng', ts: 1795000000000 + seq, seq, receivedAt: 1795000000000 + seq, metrics: { pm25: seq } };
}

/** Publishes one reading per device every 20 ms until stopped; resolves with the rounds published. */
function publishContinuously(bus: KafkaBus): { stop: () => Promise<number> } {
  let stopping = false;
  const rounds = (async () => {
    let seq = 0;
    for (; seq < 5_000 && !stopping; seq++) {
      const records: BusRecord<'ioc.telemetry'>[] = devices.map((device) => ({ key: device, value: reading(device, seq) }));
      await bus.publish(BUS_TOPICS.telemetry, records);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return seq;
  })();
  return {
    stop: async () => {
      stopping = true;
      return rounds;
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function committed(): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: kafkaGroupId(group, kafkaTopic), topics: [kafkaTopic] });
  return offsets.partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
}

async function stableWith(members: number): Promise<boolean> {
  const [state] = (await admin.describeGroups([kafkaGroupId(group, kafkaTopic)])).groups;
  return state.state === 'Stable' && state.members.length === members;
}

async function sum(metric: BusMetrics[keyof BusMetrics]): Promise<number> {
  return (await metric.get()).values.reduce((total, sample) => total + sample.value, 0);
}

it('hands no record over twice and skips none while members join and leave during publishing', async () => {
  const first = await join();
  const publisher = publishContinuously(first.bus);
  await until(async () => first.handled.length >= 400 && (await committed()) > 0, 'the first member to handle and commit records');

  const second = await join();
  await until(async () => (await stableWith(2)) && second.handled.length > 0, 'a stable group of two, both handling');
  const handledBeforeLeave = second.handled.length;
  await first.subscription.stop();
  await until(async () => (await stableWith(1)) && second.handled.length > handledBeforeLeave + 400, 'the second member to take over every partition');

  const rounds = await publisher.stop();
  const published = rounds * devices.length;
  await until(() => deliveries.size === published, `all ${published} records handled`);

  const twice = [...deliveries].filter(([, count]) => count > 1).map(([id]) => id);
  expect({ published, handled: deliveries.size, deliveredMoreThanOnce: twice.slice(0, 10), redelivered: twice.length }).toEqual({
    published,
    handled: published,
    deliveredMoreThanOnce: [],
    redelivered: 0,
  });
  expect(first.handled.length).toBeGreaterThan(0);
  expect(await sum(first.metrics.redeliveries)).toBe(0);
  expect(await sum(second.metrics.redeliveries)).toBe(0);
  expect((await first.metrics.batchesHandled.get()).values[0].value).toBeGreaterThan(0);

  // Lag: the member that left shows none; the one that owns every partition has caught up on each.
  await until(async () => (await second.metrics.consumerLag.get()).values.every((sample) => sample.value === 0), 'no lag left');
  expect((await first.metrics.consumerLag.get()).values).toEqual([]);
  const lag = (await second.metrics.consumerLag.get()).values;
  expect(lag.map((sample) => Number(sample.labels.partition)).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  expect(lag.every((sample) => sample.labels.topic === BUS_TOPICS.telemetry && sample.labels.group === group)).toBe(true);
  expect(await sum(first.metrics.produceLatency)).toBeGreaterThan(0);

  await Promise.all([first.bus.close(), second.bus.close()]);
}, 180_000);
