import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { BUS_TOPIC_POLICY, BUS_TOPICS, type DeadLetter, type Reading } from '../../contracts/src/index.js';
import { KafkaBus, type BusRecord, type DeliveredRecord, type KafkaBusOptions } from '../src/bus/index.js';
import { kafkaGroupId } from '../src/bus/kafka/subscription.js';
import { DEFAULT_TOPIC_SETTINGS } from '../src/bus/kafka/topics.js';
import { createLogger } from '../src/logger.js';

/**
 * KafkaBus against a real broker. Every test gets its own topic prefix, so tests neither see each
 * other's records nor the pipeline's, and start from freshly created topics.
 */
const services = inject('services');
const logger = createLogger('kafka-bus-test', process.env.LOG_LEVEL ?? 'silent');
/** Buses to close after each test (closing a bus stops its subscriptions), and the prefixes whose topics to delete. */
const open: KafkaBus[] = [];
const prefixes: string[] = [];
let admin: Admin;

beforeAll(async () => {
  admin = new Kafka({ brokers: services.kafkaBrokers, clientId: 'kafka-bus-test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  const topics = prefixes.splice(0).flatMap((topicPrefix) => Object.values(BUS_TOPICS).map((topic) => topicPrefix + topic));
  await admin.deleteTopics({ topics });
});

function prefix(): string {
  const topicPrefix = `test-${randomUUID().slice(0, 8)}.`;
  prefixes.push(topicPrefix);
  return topicPrefix;
}

async function connect(topicPrefix: string, options: Partial<KafkaBusOptions> = {}): Promise<KafkaBus> {
  const bus = await KafkaBus.connect({
    brokers: services.kafkaBrokers,
    clientId: 'kafka-bus-test',
    topicPrefix,
    retry: { initialMs: 100, maxMs: 1000 },
    logger,
    ...options,
  });
  open.push(bus);
  return bus;
}

function reading(deviceId: string, seq: number): Reading {
  return { deviceId, domain: 'environment', kind: 'air-station', siteId: 'st-1', ward: 'Phường Láng', ts: 1795000000000 + seq, seq, receivedAt: 1795000000000 + seq, metrics: { pm25: seq } };
}

function telemetry(devices: string[], perDevice: number, fromSeq = 0): BusRecord<'ioc.telemetry'>[] {
  const records: BusRecord<'ioc.telemetry'>[] = [];
  for (let seq = fromSeq; seq < fromSeq + perDevice; seq++) {
    for (const device of devices) records.push({ key: device, value: reading(device, seq), headers: { 'ioc-trace': `${device}/${seq}` } });
  }
  return records;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function committed(groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: kafkaGroupId(groupId, topic), topics: [topic] });
  return offsets.partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
}

describe('KafkaBus topics', () => {
  it('creates every bus topic with its partitions and settings', async () => {
    const topicPrefix = prefix();
    await connect(topicPrefix);
    const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(BUS_TOPICS).map((topic) => topicPrefix + topic) });
    const partitions = Object.fromEntries(topics.map((topic) => [topic.name.slice(topicPrefix.length), topic.partitions.length]));
    expect(partitions).toEqual(Object.fromEntries(Object.entries(BUS_TOPIC_POLICY).map(([topic, policy]) => [topic, policy.partitions])));
    expect(partitions[BUS_TOPICS.telemetry]).toBe(12);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [BUS_TOPICS.rules, BUS_TOPICS.audit, BUS_TOPICS.devices].map((topic) => ({ type: 2, name: topicPrefix + topic, configNames: ['cleanup.policy', 'retention.ms'] })),
    });
    const config = (topic: string, name: string) => resources.find((r) => r.resourceName === topicPrefix + topic)?.configEntries.find((e) => e.configName === name)?.configValue;
    expect(config(BUS_TOPICS.rules, 'cleanup.policy')).toBe('compact');
    expect(config(BUS_TOPICS.devices, 'cleanup.policy')).toBe('compact');
    expect(config(BUS_TOPICS.audit, 'retention.ms')).toBe(String(365 * 86_400_000));
  });

  it('lets instances starting together create the topics at the same time', async () => {
    const topicPrefix = prefix();
    await Promise.all([connect(topicPrefix), connect(topicPrefix), connect(topicPrefix)]);
    const names = await admin.listTopics();
    expect(Object.values(BUS_TOPICS).every((topic) => names.includes(topicPrefix + topic))).toBe(true);
  });
});

describe('KafkaBus publish and consume', () => {
  it('delivers every record with its key and headers, in publish order per key, one partition per key', async () => {
    const bus = await connect(prefix());
    const devices = ['air-1', 'air-2', 'lamp-3', 'dam-4'];
    const received: DeliveredRecord<'ioc.telemetry'>[] = [];
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void received.push(...records));
    for (let round = 0; round < 5; round++) await bus.publish(BUS_TOPICS.telemetry, telemetry(devices, 5, round * 5));
    await until(() => received.length >= 100, '100 records');
    expect(received).toHaveLength(100);
    for (const device of devices) {
      const mine = received.filter((record) => record.key === device);
      expect(mine.map((record) => record.value.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(new Set(mine.map((record) => record.partition)).size).toBe(1);
      expect(mine[3].headers).toEqual({ 'ioc-trace': `${device}/3` });
      expect(mine[3].value).toEqual(reading(device, 3));
    }
  });

  it('commits after the handler succeeded: a member that restarts continues after the last success', async () => {
    const bus = await connect(prefix());
    const first: Reading[] = [];
    const member = await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void first.push(...records.map((r) => r.value)));
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2'], 5));
    await until(() => first.length === 10, 'the first 10 records');
    await member.stop();
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2'], 5, 5));
    const second: Reading[] = [];
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void second.push(...records.map((r) => r.value)));
    await until(() => second.length >= 10, 'the next 10 records');
    expect(second.map((r) => r.seq).sort((a, b) => a - b)).toEqual([5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
  });

  it('delivers a batch again after the handler failed, and commits it once handled', async () => {
    const topicPrefix = prefix();
    const bus = await connect(topicPrefix);
    const deliveries: number[][] = [];
    let failuresLeft = 2;
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => {
      deliveries.push(records.map((r) => r.value.seq));
      if (failuresLeft-- > 0) throw new Error('store unavailable');
    });
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 6));
    await until(async () => (await committed('g', topicPrefix + BUS_TOPICS.telemetry)) === 6, 'offsets committed');
    expect(deliveries).toEqual([
      [0, 1, 2, 3, 4, 5],
      [0, 1, 2, 3, 4, 5],
      [0, 1, 2, 3, 4, 5],
    ]);
  });

  it('leaves records of a failing member to the next member of the group', async () => {
    const bus = await connect(prefix());
    let attempts = 0;
    const failing = await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async () => {
      attempts++;
      throw new Error('processor crashed');
    });
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2'], 3));
    await until(() => attempts > 0, 'a failed attempt');
    await failing.stop();
    const received: Reading[] = [];
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void received.push(...records.map((r) => r.value)));
    await until(() => received.length >= 6, 'all 6 records');
    expect(received).toHaveLength(6);
  });

  it('splits the partitions between two members of one group, tells each its share, each record to one of them', async () => {
    const topicPrefix = prefix();
    const [busA, busB] = [await connect(topicPrefix), await connect(topicPrefix)];
    const got = { a: [] as DeliveredRecord<'ioc.telemetry'>[], b: [] as DeliveredRecord<'ioc.telemetry'>[] };
    const owned = { a: [] as readonly number[], b: [] as readonly number[] };
    const onAssignedTo = (member: 'a' | 'b') => (partitions: readonly number[]) => void (owned[member] = partitions);
    await busA.consume(BUS_TOPICS.telemetry, { groupId: 'processors', fromBeginning: true, onAssigned: onAssignedTo('a') }, async (records) => void got.a.push(...records));
    await until(() => owned.a.length === DEFAULT_TOPIC_SETTINGS.telemetryPartitions, 'the only member to own every partition');
    await busB.consume(BUS_TOPICS.telemetry, { groupId: 'processors', fromBeginning: true, onAssigned: onAssignedTo('b') }, async (records) => void got.b.push(...records));
    await until(async () => {
      const [group] = (await admin.describeGroups([kafkaGroupId('processors', topicPrefix + BUS_TOPICS.telemetry)])).groups;
      return group.state === 'Stable' && group.members.length === 2;
    }, 'a stable group of two');
    // After the rebalance each member is told its share, and the shares cover the topic once.
    await until(() => owned.a.length + owned.b.length === DEFAULT_TOPIC_SETTINGS.telemetryPartitions, 'the partitions shared out');
    expect([...owned.a, ...owned.b].sort((x, y) => x - y)).toEqual(Array.from({ length: DEFAULT_TOPIC_SETTINGS.telemetryPartitions }, (_, i) => i));
    const devices = Array.from({ length: 40 }, (_, i) => `dev-${i}`);
    await busA.publish(BUS_TOPICS.telemetry, telemetry(devices, 5));
    await until(() => got.a.length + got.b.length >= 200, 'all 200 records');
    const partitionsA = new Set(got.a.map((r) => r.partition));
    const partitionsB = new Set(got.b.map((r) => r.partition));
    expect(partitionsA.size).toBeGreaterThan(0);
    expect(partitionsB.size).toBeGreaterThan(0);
    expect([...partitionsA].filter((p) => partitionsB.has(p))).toEqual([]);
    expect([...partitionsA].every((p) => owned.a.includes(p)) && [...partitionsB].every((p) => owned.b.includes(p))).toBe(true);
    const offsets = [...got.a, ...got.b].map((r) => `${r.partition}@${r.offset}`);
    expect(new Set(offsets).size).toBe(200);
  });

  it('moves a record that is not JSON to the dead-letter topic and goes on with the rest', async () => {
    const topicPrefix = prefix();
    const bus = await connect(topicPrefix);
    const raw = new Kafka({ brokers: services.kafkaBrokers, clientId: 'kafka-bus-test-raw', logLevel: logLevel.NOTHING }).producer();
    await raw.connect();
    await raw.send({ topic: topicPrefix + BUS_TOPICS.telemetry, messages: [{ key: 'air-1', value: '{"deviceId": "air-1", trunc' }, { key: 'air-1', value: JSON.stringify(reading('air-1', 1)) }] });
    await raw.disconnect();
    const readings: Reading[] = [];
    const letters: DeliveredRecord<'ioc.deadletter'>[] = [];
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void readings.push(...records.map((r) => r.value)));
    await bus.consume(BUS_TOPICS.deadLetter, { groupId: 'g', fromBeginning: true }, async (records) => void letters.push(...records));
    await until(() => readings.length === 1 && letters.length === 1, 'the reading and the dead letter');
    const letter: DeadLetter = letters[0].value;
    expect(letter).toMatchObject({ source: 'bus', code: 'IOC_BUS_RECORD_NOT_JSON', payload: '{"deviceId": "air-1", trunc', payloadEncoding: 'utf8' });
    expect(letter.topic).toMatch(/^ioc\.telemetry\[\d+\]@0$/);
    expect(letters[0].headers['ioc-error-code']).toBe('IOC_BUS_RECORD_NOT_JSON');
  });

  it('keeps a group id used on two topics apart: each subscription gets only its own topic', async () => {
    const bus = await connect(prefix());
    const topics = { telemetry: new Set<string>(), audit: new Set<string>() };
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'processor', fromBeginning: true }, async (records) => records.forEach((r) => topics.telemetry.add(r.topic)));
    await bus.consume(BUS_TOPICS.audit, { groupId: 'processor', fromBeginning: true }, async (records) => records.forEach((r) => topics.audit.add(r.topic)));
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2', 'air-3'], 4));
    await bus.publish(BUS_TOPICS.audit, [{ key: 'lan', value: { id: 'a1', at: 1, actor: 'lan', action: 'user.login', target: 'lan' } }]);
    await until(() => topics.telemetry.size > 0 && topics.audit.size > 0, 'records on both topics');
    expect([...topics.telemetry]).toEqual([BUS_TOPICS.telemetry]);
    expect([...topics.audit]).toEqual([BUS_TOPICS.audit]);
  });

  it('holds records on the bus while paused and delivers them on resume', async () => {
    const bus = await connect(prefix());
    const received: Reading[] = [];
    const member = await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void received.push(...records.map((r) => r.value)));
    member.pause();
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 3));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(received).toHaveLength(0);
    member.resume();
    await until(() => received.length === 3, 'the 3 records after resume');
  });

  it('keeps a member whose handler runs longer than the session timeout, so its batch is handled once', async () => {
    const topicPrefix = prefix();
    const bus = await connect(topicPrefix, { sessionTimeoutMs: 6_000 });
    const deliveries: number[] = [];
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => {
      deliveries.push(records.length);
      if (deliveries.length === 1) await new Promise((resolve) => setTimeout(resolve, 9_000));
    });
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 4));
    await until(async () => (await committed('g', topicPrefix + BUS_TOPICS.telemetry)) === 4, 'offsets committed', 40_000);
    expect(deliveries).toEqual([4]);
  }, 60_000);
});

describe('KafkaBus readToEnd', () => {
  it('hands over every record up to the end as of the call, then resolves, leaving no committed group', async () => {
    const topicPrefix = prefix();
    const bus = await connect(topicPrefix);
    await bus.readToEnd(BUS_TOPICS.telemetry, async () => {
      throw new Error('an empty topic has nothing to hand over');
    });
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2', 'lamp-3', 'dam-4'], 25));

    const read: Reading[] = [];
    await bus.readToEnd(BUS_TOPICS.telemetry, async (records) => void read.push(...records.map((record) => record.value)));
    expect(read).toHaveLength(100);
    for (const device of ['air-1', 'air-2', 'lamp-3', 'dam-4']) {
      expect(read.filter((r) => r.deviceId === device).map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    }
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(topicPrefix));
    for (const groupId of groups) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicPrefix + BUS_TOPICS.telemetry] });
      expect(offsets.partitions.every(({ offset }) => Number(offset) < 0)).toBe(true);
    }
  });
});
