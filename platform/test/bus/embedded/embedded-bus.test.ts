import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type DeadLetter, type DeviceCheckpoint } from '../../../../contracts/src/index.js';
import { encodeFrame, storedRecord } from '../../../src/bus/embedded/frame.js';
import { InProcessBus, type InProcessBusOptions } from '../../../src/bus/index.js';
import { createLogger } from '../../../src/logger.js';
import { telemetry } from '../records.js';

/** What only the embedded bus on disk has to show: recovery from torn writes, saved offsets, bounded memory. */
const logger = createLogger('embedded-bus', process.env.LOG_LEVEL ?? 'silent');
const directories: string[] = [];
const open: InProcessBus[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((bus) => bus.close()))));
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

function directory(): string {
  const created = mkdtempSync(join(tmpdir(), 'ioc-embedded-bus-'));
  directories.push(created);
  return created;
}

function bus(options: InProcessBusOptions = {}): InProcessBus {
  const created = new InProcessBus({ retryDelayMs: 10, logger, ...options });
  open.push(created);
  return created;
}

async function close(target: InProcessBus): Promise<void> {
  open.splice(open.indexOf(target), 1);
  await target.close();
}

async function seqs(target: InProcessBus): Promise<number[]> {
  const read: number[] = [];
  await target.readToEnd(BUS_TOPICS.telemetry, async (records) => void read.push(...records.map((record) => record.value.seq)));
  return read;
}

function lastSegment(place: string): string {
  const folder = join(place, `${BUS_TOPICS.telemetry}-0`);
  const files = readdirSync(folder).filter((name) => name.endsWith('.log')).sort();
  return join(folder, files[files.length - 1]);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const HOUR_MS = 3_600_000;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('embedded bus on disk', () => {
  it('cuts off a write torn by a crash when it opens, keeps every whole record and goes on appending after them', async () => {
    const place = directory();
    const first = bus({ directory: place });
    await first.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 10));
    await close(first);
    const segment = lastSegment(place);
    const whole = readFileSync(segment);
    // Half of a frame, as when the process dies in the middle of a write.
    appendFileSync(segment, whole.subarray(0, 40));

    const second = bus({ directory: place });
    expect(await seqs(second)).toEqual(range(0, 10));
    await second.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 1, 10));
    await close(second);
    expect(readFileSync(segment).length).toBeGreaterThan(whole.length);
    expect(await seqs(bus({ directory: place }))).toEqual(range(0, 11));
  });

  it('drops a record whose bytes were damaged (its checksum fails) and what follows it', async () => {
    const place = directory();
    const first = bus({ directory: place });
    await first.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 5));
    await first.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 1, 5));
    await close(first);
    const segment = lastSegment(place);
    const bytes = readFileSync(segment);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(segment, bytes);
    expect(await seqs(bus({ directory: place }))).toEqual(range(0, 5));
  });

  it('resumes a group after the records it handled before a clean restart', async () => {
    const place = directory();
    const first = bus({ directory: place });
    await first.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 10));
    const handled: number[] = [];
    await first.consume(BUS_TOPICS.telemetry, { groupId: 'store', fromBeginning: true }, async (records) => void handled.push(...records.map((r) => r.value.seq)));
    await until(() => handled.length === 10);
    await close(first);

    const second = bus({ directory: place });
    await second.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 3, 10));
    const after: number[] = [];
    await second.consume(BUS_TOPICS.telemetry, { groupId: 'store', fromBeginning: true }, async (records) => void after.push(...records.map((r) => r.value.seq)));
    await until(() => after.length === 3);
    expect(after).toEqual([10, 11, 12]);
  });

  it('lets the batch being handled finish at a clean close and commits it, so a restart does not deliver it again', async () => {
    const place = directory();
    const first = bus({ directory: place });
    await first.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 5));
    let started = false;
    let finished = false;
    await first.consume(BUS_TOPICS.telemetry, { groupId: 'store', fromBeginning: true }, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
      finished = true;
    });
    await until(() => started);
    await close(first);
    expect(finished).toBe(true);

    const second = bus({ directory: place });
    await second.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 1, 5));
    const again: number[] = [];
    await second.consume(BUS_TOPICS.telemetry, { groupId: 'store', fromBeginning: true }, async (records) => void again.push(...records.map((r) => r.value.seq)));
    await until(() => again.length >= 1);
    expect(again).toEqual([5]);
  });

  it('forgets a group that committed nothing for a week (as Kafka does), so groups named per instance do not pile up', async () => {
    let now = 1_795_000_000_000;
    const place = directory();
    const audit = (id: string) => [{ key: id, value: { id, at: now, actor: 'lan', action: 'user.login' as const, target: 'lan' } }];
    const positions = async (target: InProcessBus) => {
      const got: string[] = [];
      await target.consume(BUS_TOPICS.audit, { groupId: 'dashboard-1', fromBeginning: true }, async (records) => void got.push(...records.map((r) => r.value.id)));
      await until(() => got.length >= 1);
      return got;
    };
    const first = bus({ directory: place, now: () => now });
    await first.publish(BUS_TOPICS.audit, audit('a1'));
    expect(await positions(first)).toEqual(['a1']);
    await close(first);
    now += 6 * 24 * HOUR_MS;
    const second = bus({ directory: place, now: () => now });
    await second.publish(BUS_TOPICS.audit, audit('a2'));
    expect(await positions(second)).toEqual(['a2']);
    await close(second);
    now += 8 * 24 * HOUR_MS;
    const third = bus({ directory: place, now: () => now });
    await third.publish(BUS_TOPICS.audit, audit('a3'));
    expect(await positions(third)).toEqual(['a1', 'a2', 'a3']);
  });

  it('serves a consumer far behind from the segment files, in order, when the memory cache holds only the newest records', async () => {
    const place = directory();
    const target = bus({ directory: place, cacheBytes: 2048, segmentBytes: 8192, maxBatch: 64 });
    for (let round = 0; round < 10; round++) await target.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2'], 25, round * 25));
    expect(readdirSync(join(place, `${BUS_TOPICS.telemetry}-0`)).filter((name) => name.endsWith('.log')).length).toBeGreaterThan(3);
    const got: string[] = [];
    await target.consume(BUS_TOPICS.telemetry, { groupId: 'late', fromBeginning: true }, async (records) => void got.push(...records.map((r) => `${r.key}/${r.value.seq}`)));
    await until(() => got.length === 500);
    expect(got).toEqual(range(0, 250).flatMap((seq) => [`air-1/${seq}`, `air-2/${seq}`]));
  });

  it('compacts when it opens, and finishes a compaction a crash interrupted: the latest checkpoint per device, once', async () => {
    const place = directory();
    const first = bus({ directory: place });
    for (let version = 1; version <= 3; version++) await first.publish(BUS_TOPICS.devices, ['air-1', 'air-2'].map((deviceId) => ({ key: deviceId, value: checkpoint(deviceId, version) })));
    await close(first);
    // The state a crash leaves between writing the compacted file (offsets 4 and 5) and deleting what it replaces.
    const folder = join(place, `${BUS_TOPICS.devices}-0`);
    const latest = [4, 5].map((offset, i) => storedRecord(offset, 1, `air-${i + 1}`, '', JSON.stringify(checkpoint(`air-${i + 1}`, 3))));
    writeFileSync(join(folder, '00000000000000000000-00000000000000000006-00000000000000000004.swap'), encodeFrame(latest));
    writeFileSync(join(folder, '00000000000000000000-00000000000000000006-00000000000000000004.swap.tmp'), 'half written');

    const second = bus({ directory: place });
    const read: string[] = [];
    await second.readToEnd(BUS_TOPICS.devices, async (records) => void read.push(...records.map((r) => `${r.offset}:${r.key}@${r.value.checkpointedAt}`)));
    expect(read).toEqual(['4:air-1@3', '5:air-2@3']);
    expect(readdirSync(folder).filter((name) => !name.endsWith('.json')).sort()).toEqual(['00000000000000000004.log']);
    await second.publish(BUS_TOPICS.devices, [{ key: 'air-1', value: checkpoint('air-1', 4) }]);
    await close(second);

    const third = bus({ directory: place });
    const again: string[] = [];
    await third.readToEnd(BUS_TOPICS.devices, async (records) => void again.push(...records.map((r) => `${r.key}@${r.value.checkpointedAt}`)));
    expect(again).toEqual(['air-2@3', 'air-1@4']);
  });

  it('refuses a second bus on a directory in use, and opens it again once closed', async () => {
    const place = directory();
    const first = bus({ directory: place });
    expect(() => new InProcessBus({ directory: place })).toThrow(expect.objectContaining({ code: 'IOC_BUS_DIRECTORY_IN_USE' }));
    await close(first);
    bus({ directory: place });
  });

  it('refuses to publish once closed, with a coded error', async () => {
    const target = bus({ directory: directory() });
    await close(target);
    await expect(target.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 1))).rejects.toMatchObject({ code: 'IOC_BUS_CLOSED' });
  });
});

describe('embedded bus in memory', () => {
  it('bounds what a topic nobody consumes keeps (the dead letters), keeping the newest', async () => {
    const target = bus({ memoryBytes: 16 * 1024 });
    for (let i = 0; i < 200; i++) await target.publish(BUS_TOPICS.deadLetter, [{ key: 'ioc/x', value: letter(i) }]);
    const kept: number[] = [];
    await target.readToEnd(BUS_TOPICS.deadLetter, async (records) => void kept.push(...records.map((r) => r.value.receivedAt)));
    expect(kept.length).toBeLessThan(100);
    expect(kept.at(-1)).toBe(199);
  });

  it('makes a publisher wait while a group is `capacity` records behind, and loses nothing', async () => {
    const target = bus({ capacity: 20, memoryBytes: 1024 });
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await target.consume(BUS_TOPICS.telemetry, { groupId: 'slow', fromBeginning: true }, async (records) => {
      await gate;
      handled.push(...records.map((r) => r.value.seq));
    });
    let published = 0;
    const publishing = (async () => {
      for (let seq = 0; seq < 60; seq++) {
        await target.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 1, seq));
        published++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(published).toBeLessThan(60);
    release();
    await publishing;
    await until(() => handled.length === 60);
    expect(handled).toEqual(range(0, 60));
  });
});

function checkpoint(deviceId: string, version: number): DeviceCheckpoint {
  return { deviceId, domain: 'environment', kind: 'air-station', siteId: 'st-1', ward: 'Phường Láng', partition: 0, lastReceivedAt: 1795000000000, usualIntervalMs: 60_000, intervals: version, checkpointedAt: version };
}

function letter(i: number): DeadLetter {
  return { source: 'mqtt', topic: 'ioc/x', receivedAt: i, code: 'IOC_PAYLOAD_NOT_JSON', reason: 'not JSON', issues: [], payload: 'x'.repeat(400), payloadEncoding: 'utf8' };
}
