import type { EachBatchPayload, Kafka, OffsetsByTopicPartition, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { BusTopic, DeadLetter } from '../../../../contracts/src/index.js';
import { backoffDelay, type BackoffPolicy } from '../../backoff.js';
import type { Logger } from '../../logger.js';
import type { BatchHandler, DeliveredRecord, Subscription } from '../bus.js';
import { decodeMessage, unreadableRecord } from './codec.js';

export interface SubscriptionOptions<T extends BusTopic> {
  kafka: Kafka;
  /** The bus topic handlers see, and the Kafka topic behind it (the same unless prefixed). */
  topic: T;
  kafkaTopic: string;
  groupId: string;
  fromBeginning: boolean;
  onAssigned?: (partitions: readonly number[]) => void;
  handler: BatchHandler<T>;
  /** Batches of different partitions handled at once; 1 keeps the handler strictly sequential. */
  partitionsConsumedConcurrently: number;
  /** Wait before a failed batch is delivered again, growing with consecutive failures of its partition. */
  retry: BackoffPolicy;
  /** A member silent for this long is evicted from the group; heartbeats go out every tenth of it. */
  sessionTimeoutMs: number;
  /** Handled offsets are committed at most this often; a crash or rebalance delivers up to this much again. */
  commitIntervalMs: number;
  /** Where records that are not JSON go, so one bad record cannot block a partition. */
  deadLetter: (letters: DeadLetter[]) => Promise<void>;
  logger: Logger;
}

/**
 * The Kafka consumer group behind a bus group on one topic. A bus group is per topic (as in the
 * in-process bus); a Kafka group spans topics, and kafkajs assigns every topic of a group to all
 * its members, so a processor consuming telemetry and rules under one group id would be handed
 * partitions it does not read. Hence one Kafka group per bus group and topic, e.g.
 * `processor.ioc.telemetry`.
 */
export function kafkaGroupId(groupId: string, kafkaTopic: string): string {
  return `${groupId}.${kafkaTopic}`;
}

/**
 * One consumer-group member on one topic, with commit-after-success: offsets are resolved and
 * committed only once the handler resolved. When the handler rejects, the batch is left
 * unresolved; kafkajs fetches a partition from its resolved offset, so the next fetch delivers
 * the same records again, after a back-off. Heartbeats continue while a handler runs or waits,
 * so a long write to the store does not make the group evict this member.
 *
 * Handled offsets are committed at most once per `commitIntervalMs`, not after every batch: at
 * 10,000 readings/s a commit per batch cost the Kafka broker about a third of its CPU (27 % of a
 * core against 16 % with one commit a second). Offsets handled in between are committed by the
 * next batch after the interval, by a timer when no batch comes, and at stop. A failed commit is
 * logged, not retried: the next one covers those offsets, and until then a restart only
 * delivers them again.
 */
export async function subscribe<T extends BusTopic>(options: SubscriptionOptions<T>): Promise<Subscription> {
  const { kafka, topic, kafkaTopic, groupId, logger } = options;
  const heartbeatIntervalMs = Math.round(options.sessionTimeoutMs / 10);
  const consumer = kafka.consumer({
    groupId: kafkaGroupId(groupId, kafkaTopic),
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: heartbeatIntervalMs,
    // An idle fetch returns after this long; it bounds how long stop() waits for a fetch in flight.
    maxWaitTimeInMs: 1_000,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, groupId, topic, restart: payload.restart }, 'Kafka consumer crashed');
  });
  const onAssigned = options.onAssigned;
  if (onAssigned) {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => onAssigned(payload.memberAssignment[kafkaTopic] ?? []));
  }
  const failures = new Map<number, number>();
  /** Handled offsets not committed yet, as kafkajs reported them after the latest batch. */
  let uncommitted: OffsetsByTopicPartition | null = null;
  let committedAt = Date.now();
  // A rebalance resets kafkajs's own record of handled offsets; the partitions may be another
  // member's now, which re-reads from the last commit.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    uncommitted = null;
  });
  const commitHandled = async () => {
    if (uncommitted === null) return;
    const offsets = uncommitted;
    uncommitted = null;
    committedAt = Date.now();
    await consumer.commitOffsets(topicPartitionOffsets(offsets)).catch((error: unknown) => {
      logger.warn({ err: error, groupId, topic }, 'offset commit failed; those records may be delivered again');
    });
  };
  const commitTimer = setInterval(() => {
    if (Date.now() - committedAt >= options.commitIntervalMs) void commitHandled();
  }, options.commitIntervalMs);
  commitTimer.unref();

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale()) return;
    const records: DeliveredRecord<T>[] = [];
    const unreadable: DeadLetter[] = [];
    for (const message of batch.messages) {
      try {
        const record = decodeMessage(topic, batch.partition, message);
        if (record) records.push(record);
      } catch (error) {
        unreadable.push(unreadableRecord(topic, batch.partition, message, (error as Error).message, Date.now()));
      }
    }
    if (unreadable.length > 0) {
      for (const letter of unreadable) logger.error({ groupId, code: letter.code }, letter.reason);
      await options.deadLetter(unreadable);
    }
    if (records.length > 0) {
      const heartbeats = setInterval(() => payload.heartbeat().catch(() => undefined), heartbeatIntervalMs);
      try {
        await options.handler(records);
      } catch (error) {
        const attempt = (failures.get(batch.partition) ?? 0) + 1;
        failures.set(batch.partition, attempt);
        const delayMs = backoffDelay(attempt, options.retry);
        logger.error(
          { err: error, groupId, topic, partition: batch.partition, fromOffset: batch.firstOffset(), attempt, retryInMs: delayMs },
          'batch handler failed; the batch will be delivered again',
        );
        await waitWhileOwned(payload, delayMs);
        return;
      } finally {
        clearInterval(heartbeats);
      }
      failures.delete(batch.partition);
    }
    // After a rebalance took the partition away, another member owns it and re-reads from the last commit.
    if (!payload.isRunning() || payload.isStale()) return;
    payload.resolveOffset(batch.lastOffset());
    uncommitted = payload.uncommittedOffsets();
    if (Date.now() - committedAt >= options.commitIntervalMs) await commitHandled();
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [kafkaTopic], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch,
    });
  } catch (error) {
    clearInterval(commitTimer);
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }

  return {
    pause: () => consumer.pause([{ topic: kafkaTopic }]),
    resume: () => consumer.resume([{ topic: kafkaTopic }]),
    async stop() {
      clearInterval(commitTimer);
      await commitHandled();
      await consumer.disconnect();
    },
  };
}

/** kafkajs reports handled offsets per topic, and takes them to commit as a flat list. */
function topicPartitionOffsets(offsets: OffsetsByTopicPartition): TopicPartitionOffsetAndMetadata[] {
  return offsets.topics.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
}

/** Waits (heartbeats keep going meanwhile), cut short when the consumer stops or loses the partition. */
async function waitWhileOwned(payload: EachBatchPayload, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (payload.isRunning() && !payload.isStale() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }
}
