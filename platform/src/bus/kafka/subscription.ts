import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BusTopic, DeadLetter } from '../../../../contracts/src/index.js';
import { backoffDelay, type BackoffPolicy } from '../../backoff.js';
import type { Logger } from '../../logger.js';
import type { BatchHandler, Subscription } from '../bus.js';
import type { BusMetrics } from '../metrics.js';
import { deliverBatch, type Delivery } from './delivery.js';
import { PartitionProgress } from './partition-progress.js';

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
  /** Handled offsets are committed at most this often, and always before this member's partitions move. */
  commitIntervalMs: number;
  /** Where records that are not JSON go, so one bad record cannot block a partition; absent: only logged. */
  deadLetter?: (letters: DeadLetter[]) => Promise<void>;
  metrics?: BusMetrics;
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
 * next batch after the interval, by a timer when no batch comes, and before the partitions can
 * move to another member:
 * - at a rebalance: kafkajs learns of it from a heartbeat, waits for the batches in hand to
 *   finish, announces REBALANCING and only then asks to rejoin. The commit sent on that event
 *   goes out on the coordinator connection before the JoinGroup request (which first needs a
 *   FindCoordinator round trip), and the broker serves a connection's requests in order, so it
 *   lands while this member's generation is still current, and the group, waiting for this
 *   member to rejoin, accepts it;
 * - at stop: fetching pauses, the batches in hand finish, their offsets are committed, and only
 *   then does the member leave the group.
 * kafkajs's own commit-on-rebalance works only with autoCommit, which commits after every batch.
 * A failed commit is counted and logged, not retried: the next one covers those offsets, and
 * until then a restart or a rebalance delivers them again (counted in ioc_bus_redeliveries_total
 * when they come back to this process).
 */
export async function subscribe<T extends BusTopic>(options: SubscriptionOptions<T>): Promise<Subscription> {
  const { kafka, topic, kafkaTopic, groupId, metrics, logger } = options;
  const heartbeatIntervalMs = Math.round(options.sessionTimeoutMs / 10);
  const consumer = kafka.consumer({
    groupId: kafkaGroupId(groupId, kafkaTopic),
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: heartbeatIntervalMs,
    // An idle fetch returns after this long; it bounds how long stop() waits for a fetch in flight.
    maxWaitTimeInMs: 1_000,
    allowAutoTopicCreation: false,
  });
  const progress = new PartitionProgress();
  const delivery: Delivery<T> = { topic, groupId, progress, deadLetter: options.deadLetter, metrics, logger };
  const owned = new Set<number>();
  const failures = new Map<number, number>();
  const inHand = new InHand();
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let committedAt = Date.now();

  const commitHandled = async () => {
    const offsets = progress.uncommitted();
    if (offsets.length === 0) return;
    committedAt = Date.now();
    try {
      await consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic: kafkaTopic, partition, offset })));
      progress.committed(offsets);
    } catch (error) {
      metrics?.commitFailures.inc({ topic, group: groupId });
      logger.warn({ err: error, groupId, topic, offsets }, 'offset commit failed; those records are delivered again if the partitions move before the next commit');
    }
  };
  const commitTimer = setInterval(() => {
    if (Date.now() - committedAt >= options.commitIntervalMs) void commitHandled();
  }, options.commitIntervalMs);
  commitTimer.unref();

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, groupId, topic, restart: payload.restart }, 'Kafka consumer crashed');
  });
  consumer.on(consumer.events.REBALANCING, () => void commitHandled());
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[kafkaTopic] ?? [];
    progress.keepOnly(partitions);
    for (const partition of owned) {
      if (!partitions.includes(partition)) metrics?.consumerLag.remove({ topic, group: groupId, partition: String(partition) });
    }
    owned.clear();
    for (const partition of partitions) owned.add(partition);
    options.onAssigned?.(partitions);
  });

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    if (stopping || !payload.isRunning() || payload.isStale()) return;
    const done = inHand.take();
    try {
      const fetched = { partition: batch.partition, highWatermark: batch.highWatermark, messages: batch.messages, lastOffset: batch.lastOffset() };
      const outcome = await deliverBatch(delivery, fetched, (records) => whileHeartbeating(payload, heartbeatIntervalMs, logger, () => options.handler(records)));
      if (!outcome.handled) {
        const attempt = (failures.get(batch.partition) ?? 0) + 1;
        failures.set(batch.partition, attempt);
        const delayMs = backoffDelay(attempt, options.retry);
        logger.error(
          { err: outcome.error, groupId, topic, partition: batch.partition, fromOffset: batch.firstOffset(), attempt, retryInMs: delayMs },
          'batch handler failed; the batch will be delivered again',
        );
        await whileHeartbeating(payload, heartbeatIntervalMs, logger, () => waitWhileOwned(payload, delayMs, () => stopping));
        return;
      }
      failures.delete(batch.partition);
      payload.resolveOffset(batch.lastOffset());
      if (Date.now() - committedAt >= options.commitIntervalMs) await commitHandled();
    } finally {
      done();
    }
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
    resume: () => {
      if (!stopping) consumer.resume([{ topic: kafkaTopic }]);
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(commitTimer);
        await leaveGroup(consumer, kafkaTopic, inHand, commitHandled);
        for (const partition of owned) metrics?.consumerLag.remove({ topic, group: groupId, partition: String(partition) });
      })();
      return stopped;
    },
  };
}

/** Stops fetching, lets the batches in hand finish, commits what they handled, and only then leaves. */
async function leaveGroup(consumer: Consumer, kafkaTopic: string, inHand: InHand, commitHandled: () => Promise<void>): Promise<void> {
  consumer.pause([{ topic: kafkaTopic }]);
  await inHand.finished();
  await commitHandled();
  await consumer.disconnect();
}

/** Batches being delivered right now, so stop() can wait for them. */
class InHand {
  private count = 0;
  private waiting: (() => void)[] = [];

  /** Counts a batch in; call the returned function when it is finished. */
  take(): () => void {
    this.count++;
    return () => {
      this.count--;
      if (this.count === 0) for (const resolve of this.waiting.splice(0)) resolve();
    };
  }

  finished(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/**
 * Runs `work` with heartbeats going out meanwhile, so a long handler does not get this member
 * evicted. A failed heartbeat (typically: the group is rebalancing) needs nothing here: kafkajs's
 * own heartbeat after the batch meets the same answer and rejoins the group.
 */
async function whileHeartbeating(payload: EachBatchPayload, intervalMs: number, logger: Logger, work: () => Promise<void>): Promise<void> {
  const heartbeat = () => payload.heartbeat().catch((error: unknown) => logger.debug({ err: error }, 'heartbeat during a batch failed'));
  const heartbeats = setInterval(heartbeat, intervalMs);
  try {
    await work();
  } finally {
    clearInterval(heartbeats);
  }
}

/** Waits, cut short when the subscription or the consumer stops. */
async function waitWhileOwned(payload: EachBatchPayload, ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (payload.isRunning() && !payload.isStale() && !stopping() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }
}
