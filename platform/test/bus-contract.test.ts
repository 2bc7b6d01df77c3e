import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { BUS_TOPIC_POLICY, BUS_TOPICS, type DeadLetter } from '../../contracts/src/index.js';
import { InProcessBus, type DeliveredRecord, type InProcessBusOptions } from '../src/bus/index.js';
import { createLogger } from '../src/logger.js';
import { busContract } from './bus/contract.js';
import { telemetry } from './bus/records.js';

/** The bus contract on the embedded bus, in memory and on disk. */
const logger = createLogger('bus-contract', process.env.LOG_LEVEL ?? 'silent');
const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

function directory(): string {
  const created = mkdtempSync(join(tmpdir(), 'ioc-bus-'));
  directories.push(created);
  return created;
}

const HOUR_MS = 3_600_000;

/**
 * Retention by the policy, on a clock the test moves: telemetry kept one hour, dead letters
 * kept to a few kilobytes. Old records are gone for readToEnd and for a new group alike, and on
 * disk their segment files are deleted.
 */
async function embeddedRetention(onDisk: boolean): Promise<void> {
  let now = 1_795_000_000_000;
  const place = onDisk ? directory() : undefined;
  const options: InProcessBusOptions = {
    directory: place,
    now: () => now,
    segmentBytes: 4096,
    policy: {
      [BUS_TOPICS.telemetry]: { ...BUS_TOPIC_POLICY[BUS_TOPICS.telemetry], retention: { ms: HOUR_MS } },
      [BUS_TOPICS.deadLetter]: { ...BUS_TOPIC_POLICY[BUS_TOPICS.deadLetter], retention: { bytes: 16 * 1024 } },
    },
    logger,
  };
  const bus = new InProcessBus(options);
  try {
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2'], 50));
    now += 2 * HOUR_MS;
    await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1', 'air-2'], 5, 50));
    const read: number[] = [];
    await bus.readToEnd(BUS_TOPICS.telemetry, async (records) => void read.push(...records.map((record) => record.value.seq)));
    expect(Math.min(...read)).toBeGreaterThanOrEqual(50);
    const joined: number[] = [];
    await bus.consume(BUS_TOPICS.telemetry, { groupId: 'late', fromBeginning: true }, async (records) => void joined.push(...records.map((record) => record.value.seq)));
    for (let i = 0; i < 100 && joined.length < 10; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(joined).toEqual([50, 50, 51, 51, 52, 52, 53, 53, 54, 54]);

    for (let i = 0; i < 40; i++) await bus.publish(BUS_TOPICS.deadLetter, [{ key: 'ioc/x', value: letter(i) }]);
    const letters: DeliveredRecord<'ioc.deadletter'>[] = [];
    await bus.readToEnd(BUS_TOPICS.deadLetter, async (records) => void letters.push(...records));
    const bytes = letters.reduce((sum, record) => sum + JSON.stringify(record.value).length, 0);
    // Whole segments go: what stays is at most the limit plus the segment being written.
    expect(bytes).toBeLessThanOrEqual(16 * 1024 + 4096);
    expect(letters.at(-1)?.value.payload).toMatch(/^payload 39 /);
    expect(letters.length).toBeLessThan(40);
  } finally {
    await bus.close();
  }
  if (place) {
    const files = readdirSync(join(place, `${BUS_TOPICS.telemetry}-0`)).filter((name) => name.endsWith('.log'));
    expect(files).not.toContain('00000000000000000000.log');
  }
}

function letter(i: number): DeadLetter {
  return { source: 'mqtt', topic: 'ioc/x', receivedAt: i, code: 'IOC_PAYLOAD_NOT_JSON', reason: 'not JSON', issues: [], payload: `payload ${i} ${'x'.repeat(500)}`, payloadEncoding: 'utf8' };
}

busContract({
  name: 'embedded bus in memory',
  place: () => 'memory',
  open: async () => new InProcessBus({ retryDelayMs: 10, compactionThreshold: 0, logger }),
  compacted: async (_place, bus) => bus,
  retention: () => embeddedRetention(false),
  timeoutMs: 5_000,
});

busContract({
  name: 'embedded bus on disk',
  place: directory,
  open: async (place) => new InProcessBus({ directory: place, retryDelayMs: 10, logger }),
  compacted: async (place, bus) => {
    await bus.close();
    return new InProcessBus({ directory: place, retryDelayMs: 10, logger });
  },
  retention: () => embeddedRetention(true),
  crashChild: (place) => ({ kind: 'embedded', directory: place }),
  timeoutMs: 5_000,
});
