/**
 * The embedded bus's publish throughput in memory and on disk (publish() resolving once synced),
 * one caller and four concurrent callers, calls of 10 and 500 readings; then one group reading
 * everything back; and what one fsync costs on the disk used.
 *   npm run bench:bus [-- records=100000 [directory=.data/bench-bus]]
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_TOPICS, type Reading } from '../../contracts/src/index.js';
import { InProcessBus, type BusRecord, type InProcessBusOptions } from '../src/bus/index.js';
import { createLogger } from '../src/logger.js';

const total = Number(process.argv[2] ?? 100_000);
const root = process.argv[3] ?? join('.data', 'bench-bus');
const logger = createLogger('bus-bench', process.env.LOG_LEVEL ?? 'warn');

function batch(offset: number, size: number): BusRecord<'ioc.telemetry'>[] {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => {
    const n = offset + i;
    const reading: Reading = {
      deviceId: `air-${n % 2000}`,
      domain: 'environment',
      kind: 'air-station',
      siteId: `st-${n % 200}`,
      ward: 'Phường Hoàn Kiếm',
      ts: now,
      seq: n,
      receivedAt: now,
      metrics: { pm25: 35.2, pm10: 61.5, no2: 20.1, noise: 64 },
    };
    return { key: reading.deviceId, value: reading };
  });
}

interface Run {
  recordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function publishAll(bus: InProcessBus, records: number, size: number, callers: number): Promise<Run> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let offset = (next += size) - size; offset < records; offset = (next += size) - size) {
        const call = performance.now();
        await bus.publish(BUS_TOPICS.telemetry, batch(offset, size));
        latencies.push(performance.now() - call);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { recordsPerSecond: records / ((performance.now() - started) / 1000), p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function consumeAll(bus: InProcessBus, records: number): Promise<number> {
  let consumed = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    void bus.consume(BUS_TOPICS.telemetry, { groupId: `bench-${Math.random()}`, fromBeginning: true }, async (delivered) => {
      consumed += delivered.length;
      if (consumed >= records) resolve();
    });
  });
  return consumed / ((performance.now() - started) / 1000);
}

/** One 4 KiB append and fdatasync, as a publish on disk does once per group commit. */
function fsyncCost(directory: string, times = 200): { p50Ms: number; p99Ms: number } {
  const fd = openSync(join(directory, 'fsync-probe'), 'w');
  const block = Buffer.alloc(4096, 1);
  const took: number[] = [];
  try {
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      writeSync(fd, block, 0, block.length, i * block.length);
      fdatasyncSync(fd);
      took.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
  }
  took.sort((a, b) => a - b);
  return { p50Ms: took[Math.floor(times / 2)], p99Ms: took[Math.floor(times * 0.99)] };
}

const modes: Array<{ name: string; options: (directory: string) => InProcessBusOptions }> = [
  { name: 'memory', options: () => ({ memoryBytes: 1024 * 1024 * 1024 }) },
  { name: 'disk', options: (directory) => ({ directory }) },
  { name: 'disk, 2 ms window', options: (directory) => ({ directory, groupCommitMs: 2 }) },
];

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
try {
  console.log(`embedded bus, ${fmt(total)} readings per run (~${JSON.stringify(batch(0, 1)[0].value).length} B each), directory ${root}`);
  console.log('mode                 call  callers  publish records/s  call p50 ms  call p99 ms  consume records/s');
  let run = 0;
  for (const mode of modes) {
    for (const [size, callers] of [
      [10, 1],
      [10, 4],
      [500, 1],
      [500, 4],
    ] as const) {
      const directory = join(root, `run-${run++}`);
      const bus = new InProcessBus({ ...mode.options(directory), logger });
      try {
        const publish = await publishAll(bus, total, size, callers);
        const consume = await consumeAll(bus, total);
        console.log(
          `${mode.name.padEnd(20)} ${String(size).padStart(4)}  ${String(callers).padStart(7)}  ${fmt(publish.recordsPerSecond).padStart(17)}  ${ms(publish.p50Ms).padStart(11)}  ${ms(publish.p99Ms).padStart(11)}  ${fmt(consume).padStart(17)}`,
        );
      } finally {
        await bus.close();
        rmSync(directory, { recursive: true, force: true });
      }
    }
  }
  const fsync = fsyncCost(root);
  console.log(`fsync (4 KiB write + fdatasync) on ${root}: p50 ${ms(fsync.p50Ms)} ms, p99 ${ms(fsync.p99Ms)} ms`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
