import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { BusTopic } from '../../../../contracts/src/index.js';
import type { Logger } from '../../logger.js';
import type { BatchHandler, DeliveredRecord } from '../bus.js';
import { decodeMessage } from './codec.js';
import { whileKafkaSettles } from './settling.js';

export interface ReadToEndOptions<T extends BusTopic> {
  kafka: Kafka;
  topic: T;
  kafkaTopic: string;
  handler: BatchHandler<T>;
  logger: Logger;
}

/**
 * Reads every partition from its oldest retained record up to the high watermark taken at the
 * start. kafkajs consumes only as a group member, so this joins a throw-away group that never
 * commits: the broker forgets it once it leaves. Records that are not JSON are skipped here; the
 * topic's regular consumers dead-letter them.
 */
export async function readToEnd<T extends BusTopic>(options: ReadToEndOptions<T>): Promise<void> {
  const { kafka, topic, kafkaTopic, handler, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await whileKafkaSettles(() => admin.fetchTopicOffsets(kafkaTopic));
    ends = new Map(offsets.filter(({ high, low }) => BigInt(high) > BigInt(low)).map(({ partition, high }) => [partition, BigInt(high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return;

  const consumer = kafka.consumer({ groupId: `${kafkaTopic}.read-to-end.${randomUUID()}`, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let done!: () => void;
  let failed!: (error: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => failed(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [kafkaTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        const records: DeliveredRecord<T>[] = [];
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          try {
            const record = decodeMessage(topic, batch.partition, message);
            if (record) records.push(record);
          } catch (error) {
            logger.warn({ topic, partition: batch.partition, offset: message.offset, err: error }, 'skipped a record that is not JSON while reading to the end');
          }
        }
        if (records.length > 0) await handler(records).catch((error: Error) => failed(error));
        if (BigInt(batch.lastOffset()) + 1n >= end) {
          ends.delete(batch.partition);
          if (ends.size === 0) done();
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
}
