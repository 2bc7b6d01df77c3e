import type { KafkaMessage } from 'kafkajs';
import type { BusTopic, DeadLetter } from '../../../../contracts/src/index.js';
import type { Logger } from '../../logger.js';
import type { BatchHandler, DeliveredRecord } from '../bus.js';
import type { BusMetrics } from '../metrics.js';
import { decodeMessage, unreadableRecord } from './codec.js';
import type { PartitionProgress } from './partition-progress.js';

/** What a subscription delivers batches with; one per subscription. */
export interface Delivery<T extends BusTopic> {
  topic: T;
  /** The bus group id, as metrics label it. */
  groupId: string;
  progress: PartitionProgress;
  /** Where records that are not JSON go; absent on the dead-letter topic itself, where they are only logged. */
  deadLetter?: (letters: DeadLetter[]) => Promise<void>;
  metrics?: BusMetrics;
  logger: Logger;
}

/** The part of a fetched Kafka batch a delivery needs. */
export interface FetchedBatch {
  partition: number;
  /** The partition's end when fetched: the offset the next record written will get. */
  highWatermark: string;
  messages: KafkaMessage[];
  /** The batch's last offset, including control records the fetch filtered out. */
  lastOffset: string;
}

export type DeliveryOutcome = { handled: true } | { handled: false; error: unknown };

/**
 * Hands one batch of one partition to `handle`: records that are not JSON go to the dead letters
 * first, so one bad record cannot block the partition. Once `handle` resolved the batch counts as
 * handled (the caller resolves and later commits its offsets); when it rejects nothing is recorded
 * as handled and the caller delivers the batch again.
 */
export async function deliverBatch<T extends BusTopic>(delivery: Delivery<T>, batch: FetchedBatch, handle: BatchHandler<T>): Promise<DeliveryOutcome> {
  const { topic, groupId, progress, metrics } = delivery;
  const { partition, messages } = batch;
  const labels = { topic, group: groupId };
  const lag = { ...labels, partition: String(partition) };
  const end = BigInt(batch.highWatermark);
  metrics?.consumerLag.set(lag, Number(end - BigInt(messages[0]?.offset ?? batch.lastOffset)));
  const redelivered = progress.redelivered(partition, messages.map((message) => message.offset));
  if (redelivered > 0) metrics?.redeliveries.inc(labels, redelivered);

  const records: DeliveredRecord<T>[] = [];
  const unreadable: DeadLetter[] = [];
  for (const message of messages) {
    try {
      const record = decodeMessage(topic, partition, message);
      if (record) records.push(record);
    } catch (error) {
      unreadable.push(unreadableRecord(topic, partition, message, (error as Error).message, Date.now()));
    }
  }
  if (unreadable.length > 0) await setAside(delivery, unreadable);

  if (records.length > 0) {
    try {
      await handle(records);
    } catch (error) {
      metrics?.batchesFailed.inc(labels);
      return { handled: false, error };
    }
    metrics?.batchesHandled.inc(labels);
    metrics?.recordsHandled.inc(labels, records.length);
  }
  progress.handled(partition, batch.lastOffset);
  metrics?.consumerLag.set(lag, Math.max(0, Number(end - BigInt(batch.lastOffset) - 1n)));
  return { handled: true };
}

async function setAside<T extends BusTopic>(delivery: Delivery<T>, letters: DeadLetter[]): Promise<void> {
  const { topic, groupId, deadLetter, metrics, logger } = delivery;
  for (const letter of letters) logger.error({ groupId, code: letter.code }, letter.reason);
  if (!deadLetter) return;
  await deadLetter(letters);
  for (const letter of letters) metrics?.deadLetters.inc({ topic, code: letter.code });
}
