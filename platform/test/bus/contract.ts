import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type AuditEntry, type DeviceCheckpoint } from '../../../contracts/src/index.js';
import type { Bus, DeliveredRecord } from '../../src/bus/index.js';
import { runUntilKilled, type CrashChildBus } from './crash-harness.js';
import { telemetry } from './records.js';

/**
 * What every bus must do, run against each implementation: the embedded bus in memory and on
 * disk (bus-contract.test.ts), Kafka (bus-contract.int.test.ts).
 */
export interface BusSubject {
  name: string;
  /** A new, empty log for one test: a directory, a topic prefix. */
  place(): string;
  /** A bus on that log. The suite closes it. */
  open(place: string): Promise<Bus>;
  /**
   * A bus on which compaction has run, for buses that compact on demand (the embedded bus: at
   * once in memory, at reopen on disk). Kafka compacts in the background, so only what it
   * guarantees at any time is checked there: the latest record per key, in order.
   */
  compacted?(place: string, bus: Bus): Promise<Bus>;
  /** Checks that the topic policy's retention is applied (each bus shows it its own way). */
  retention(): Promise<void>;
  /** How a child process opens this bus, for the crash test; absent for a bus that dies with its process. */
  crashChild?(place: string): CrashChildBus;
  /** How long to wait for deliveries (Kafka joins groups and rebalances). */
  timeoutMs: number;
}

export function busContract(subject: BusSubject): void {
  const open: Bus[] = [];
  const openBus = async (place: string) => {
    const bus = await subject.open(place);
    open.push(bus);
    return bus;
  };
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + subject.timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`${subject.name}: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  describe(`bus contract: ${subject.name}`, () => {
    it('delivers the records of one key in the order they were published, to a group and to readToEnd', async () => {
      const bus = await openBus(subject.place());
      const devices = ['air-1', 'air-2', 'lamp-3', 'dam-4', 'cam-5'];
      for (let round = 0; round < 4; round++) await bus.publish(BUS_TOPICS.telemetry, telemetry(devices, 5, round * 5));
      const consumed: DeliveredRecord<'ioc.telemetry'>[] = [];
      await bus.consume(BUS_TOPICS.telemetry, { groupId: 'order', fromBeginning: true }, async (records) => void consumed.push(...records));
      await until(() => consumed.length >= 100, '100 records');
      const read: DeliveredRecord<'ioc.telemetry'>[] = [];
      await bus.readToEnd(BUS_TOPICS.telemetry, async (records) => void read.push(...records));
      for (const records of [consumed, read]) {
        expect(records).toHaveLength(100);
        for (const device of devices) {
          const mine = records.filter((record) => record.key === device);
          expect(mine.map((record) => record.value.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
          expect(new Set(mine.map((record) => record.partition)).size).toBe(1);
          const offsets = mine.map((record) => BigInt(record.offset));
          expect(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1])).toBe(true);
        }
      }
    });

    it('hands every consumer its own copy of the value as the codec round-trips it: dates stay strings, unicode and large numbers survive', async () => {
      const bus = await openBus(subject.place());
      const entry: AuditEntry = {
        id: 'a-ü-1',
        at: Number.MAX_SAFE_INTEGER,
        actor: 'Nguyễn Thị Lan 👩‍💼',
        action: 'alert.acknowledge',
        target: 'alert:pm25|Phường Hoàn Kiếm',
        comment: '2026-12-06T18:00:00+07:00 — "quoted", back\\slash, newline\n, tab\t, 😀',
        details: { big: 1.7976931348623157e308, tiny: 5e-324, negative: -123456789.125, list: [1, 'two', null, { deep: true }] },
      };
      const published = structuredClone(entry);
      await bus.publish(BUS_TOPICS.audit, [{ key: entry.id, value: entry, headers: { 'ioc-trace': 'trace-ß' } }]);
      // The publisher reuses its object after publish resolved: consumers must not see the change.
      entry.comment = 'changed by the publisher';
      (entry.details!.list as unknown[]).push('added');

      const first: DeliveredRecord<'ioc.audit'>[] = [];
      const second: DeliveredRecord<'ioc.audit'>[] = [];
      await bus.consume(BUS_TOPICS.audit, { groupId: 'first', fromBeginning: true }, async (records) => {
        first.push(...records);
        // A consumer that changes what it got must not change what the next one gets.
        for (const record of records) record.value.actor = 'changed by a consumer';
      });
      await until(() => first.length === 1, 'the first group');
      await bus.consume(BUS_TOPICS.audit, { groupId: 'second', fromBeginning: true }, async (records) => void second.push(...records));
      await until(() => second.length === 1, 'the second group');
      expect(second[0].value).toEqual(published);
      expect(second[0].value.comment).toBe(published.comment);
      expect(second[0].headers).toEqual({ 'ioc-trace': 'trace-ß' });
      expect(second[0].key).toBe('a-ü-1');
      const read: DeliveredRecord<'ioc.audit'>[] = [];
      await bus.readToEnd(BUS_TOPICS.audit, async (records) => void read.push(...records));
      expect(read.map((record) => record.value)).toEqual([published]);
    });

    it('keeps the latest record per key on compacted topics: folding by key gives the latest, which comes last', async () => {
      const place = subject.place();
      const bus = await openBus(place);
      const devices = ['air-1', 'air-2', 'lamp-3'];
      for (let version = 1; version <= 6; version++) {
        await bus.publish(BUS_TOPICS.devices, devices.map((deviceId) => ({ key: deviceId, value: checkpoint(deviceId, version) })));
      }
      const read = await readAll(bus, BUS_TOPICS.devices);
      const latest = new Map(read.map((record) => [record.key, record.value]));
      expect([...latest.keys()].sort()).toEqual(devices);
      for (const deviceId of devices) {
        expect(latest.get(deviceId)).toEqual(checkpoint(deviceId, 6));
        const versions = read.filter((record) => record.key === deviceId).map((record) => record.value.checkpointedAt);
        expect(versions).toEqual([...versions].sort((a, b) => a - b));
      }
      if (!subject.compacted) return;
      const compacted = await subject.compacted(place, bus);
      if (compacted !== bus) open.push(compacted);
      const after = await readAll(compacted, BUS_TOPICS.devices);
      expect(after.map((record) => record.value).sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual(devices.map((deviceId) => checkpoint(deviceId, 6)));
      const joined: DeliveredRecord<'ioc.devices'>[] = [];
      await compacted.consume(BUS_TOPICS.devices, { groupId: 'late', fromBeginning: true }, async (records) => void joined.push(...records));
      await until(() => joined.length >= 3, 'the latest checkpoints');
      expect(joined.map((record) => record.value.checkpointedAt)).toEqual([6, 6, 6]);
    });

    it('applies the retention of the topic policy', async () => {
      await subject.retention();
    });

    it('delivers a batch again after its handler failed, then moves on; the group resumes after what it handled', async () => {
      const bus = await openBus(subject.place());
      const deliveries: number[][] = [];
      let failuresLeft = 2;
      const member = await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => {
        deliveries.push(records.map((record) => record.value.seq));
        if (failuresLeft-- > 0) throw new Error('store unavailable');
      });
      await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 6));
      await until(() => deliveries.length >= 3 && deliveries.flat().length >= 18, 'three deliveries');
      expect(deliveries.slice(0, 3)).toEqual([
        [0, 1, 2, 3, 4, 5],
        [0, 1, 2, 3, 4, 5],
        [0, 1, 2, 3, 4, 5],
      ]);
      await member.stop();
      await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 3, 6));
      const next: number[] = [];
      await bus.consume(BUS_TOPICS.telemetry, { groupId: 'g', fromBeginning: true }, async (records) => void next.push(...records.map((record) => record.value.seq)));
      await until(() => next.length >= 3, 'the records after the handled ones');
      expect(next).toEqual([6, 7, 8]);
    });

    it.runIf(subject.crashChild)('after a crash keeps every record whose publish resolved and delivers what was not committed again', async () => {
      const place = subject.place();
      const crashed = await runUntilKilled(subject.crashChild!(place), { handle: 40, publish: 30 });
      expect(crashed.published).toBe(30);
      expect(crashed.handled).toBeGreaterThanOrEqual(40);
      const bus = await openBus(place);
      const read = await readAll(bus, BUS_TOPICS.telemetry);
      expect(read.map((record) => record.value.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 70 }, (_, i) => i));
      // The child handled records but was killed before it committed: the group gets them again.
      const again: number[] = [];
      await bus.consume(BUS_TOPICS.telemetry, { groupId: 'crash', fromBeginning: true }, async (records) => void again.push(...records.map((record) => record.value.seq)));
      await until(() => again.length >= 70, 'the uncommitted records again');
      expect(new Set(again).size).toBe(70);
    });
  });
}

async function readAll<T extends 'ioc.devices' | 'ioc.telemetry'>(bus: Bus, topic: T): Promise<DeliveredRecord<T>[]> {
  const read: DeliveredRecord<T>[] = [];
  await bus.readToEnd(topic, async (records) => void read.push(...records));
  return read;
}

function checkpoint(deviceId: string, version: number): DeviceCheckpoint {
  return { deviceId, domain: 'environment', kind: 'air-station', siteId: 'st-1', ward: 'Phường Láng', partition: 0, lastReceivedAt: 1795000000000, usualIntervalMs: 60_000, intervals: version, checkpointedAt: version };
}
