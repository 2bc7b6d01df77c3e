/**
 * KafkaBus throughput on the brokers in KAFKA_BROKERS (`eval "$(npm run -s services:up)"` first):
 * publish() in calls of 500 readings, one caller and four concurrent callers, then one consumer
 * group reading everything back. Uses its own topic prefix and deletes its topics afterwards.
 *   npx tsx platform/bench/kafka-bus.bench.ts [records=100000]
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { BUS_TOPICS, type Reading } from '../../contracts/src/index.js';
import { KafkaBus, type BusRecord } from '../src/bus/index.js';
import { createLogger } from '../src/logger.js';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) throw new Error('set KAFKA_BROKERS, e.g. eval "$(npm run -s services:up)"');
const total = Number(process.argv[2] ?? 100_000);
const BATCH = 500;
const logger = createLogger('kafka-bench', process.env.LOG_LEVEL ?? 'warn');
const topicPrefix = `bench-${randomUUID().slice(0, 8)}.`;

function batch(offset: number): BusRecord<'ioc.telemetry'>[] {
  const now = Date.now();
  return Array.from({ length: BATCH }, (_, i) => {
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

async function publishAll(bus: KafkaBus, callers: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let offset = (next += BATCH) - BATCH; offset < total; offset = (next += BATCH) - BATCH) await bus.publish(BUS_TOPICS.telemetry, batch(offset));
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

const bus = await KafkaBus.connect({ brokers, clientId: 'kafka-bench', topicPrefix, logger });
try {
  const sequential = await publishAll(bus, 1);
  const concurrent = await publishAll(bus, 4);
  let consumed = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    void bus.consume(BUS_TOPICS.telemetry, { groupId: 'bench', fromBeginning: true }, async (records) => {
      consumed += records.length;
      if (consumed >= 2 * total) resolve();
    });
  });
  const consumeRate = consumed / ((performance.now() - started) / 1000);
  console.log(JSON.stringify({ records: total, batch: BATCH, publishPerSecond: { oneCaller: Math.round(sequential), fourCallers: Math.round(concurrent) }, consumePerSecond: Math.round(consumeRate) }));
} finally {
  await bus.close();
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(BUS_TOPICS).map((topic) => topicPrefix + topic) });
  await admin.disconnect();
}
