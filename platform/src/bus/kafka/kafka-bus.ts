import { platformError } from '../../errors.js';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { BUS_TOPICS, deadLetterRecord, type BusTopic } from '../../../../contracts/src/index.js';
import type { BackoffPolicy } from '../../backoff.js';
import type { Logger } from '../../logger.js';
import type { BatchHandler, Bus, BusRecord, ConsumeOptions, Subscription } from '../bus.js';
import type { BusMetrics } from '../metrics.js';
import { createKafkaClient, type KafkaConnection } from './client.js';
import { encodeRecord } from './codec.js';
import { readToEnd } from './read-to-end.js';
import { subscribe } from './subscription.js';
import { DEFAULT_TOPIC_SETTINGS, ensureTopics, topicSpecs, type TopicSettings } from './topics.js';

export interface KafkaBusOptions extends KafkaConnection {
  /** Prepended to every bus topic name, so several deployments can share one cluster. */
  topicPrefix?: string;
  topics?: Partial<TopicSettings>;
  /** Create missing topics at start-up (default true); off where topics are managed by the operator. */
  ensureTopics?: boolean;
  /** Batches of different partitions one subscription hands to its handler at once (default 1: sequential). */
  partitionsConsumedConcurrently?: number;
  /** Wait before a failed batch is delivered again (default 500 ms doubling to 30 s). */
  retry?: BackoffPolicy;
  /** How long a consumer may stay silent before the group evicts it (default 30 s; brokers accept 6 s to 30 min). */
  sessionTimeoutMs?: number;
  /**
   * Handled offsets are committed at most this often (default 1000 ms), and before a rebalance or
   * stop moves the partitions. A crash delivers up to this much again, which the consumers
   * tolerate (at-least-once).
   */
  commitIntervalMs?: number;
  /** Where the bus reports consumer lag, batches, redeliveries, dead letters, commit failures and produce latency. */
  metrics?: BusMetrics;
  logger: Logger;
}

/**
 * The bus on Apache Kafka. Publishing uses an idempotent producer with acks=all: a publish
 * resolves once every in-sync replica has the records, and a retried request cannot write them
 * twice. The records of one publish() go out in one produce request. While Kafka is unreachable,
 * publish keeps retrying (the idempotent producer never gives up), so callers wait rather than lose.
 * Consuming: one consumer-group member per consume() call, see subscription.ts.
 */
export class KafkaBus implements Bus {
  private readonly subscriptions = new Set<Subscription>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly options: KafkaBusOptions,
  ) {}

  /** Connects, creates missing topics and readies the producer; fails with IOC_KAFKA_UNREACHABLE when no broker answers. */
  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const logger = options.logger;
    const kafka = createKafkaClient(options, logger);
    const producer = kafka.producer({
      idempotent: true,
      // kafkajs serialises an idempotent producer's requests per broker; 1 states it and keeps sequence numbers simple.
      maxInFlightRequests: 1,
      // The Java client's murmur2 partitioner: a device lands on the same partition whichever client produced it.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    try {
      if (options.ensureTopics !== false) {
        const admin = kafka.admin();
        await admin.connect();
        try {
          await ensureTopics(admin, topicSpecs({ ...DEFAULT_TOPIC_SETTINGS, ...options.topics }, options.topicPrefix), logger);
        } finally {
          await admin.disconnect();
        }
      }
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      if (!isConnectionError(error)) throw error;
      throw platformError('IOC_KAFKA_UNREACHABLE', [options.brokers.join(','), (error as Error).message], { cause: error });
    }
    logger.info({ brokers: options.brokers, clientId: options.clientId, topicPrefix: options.topicPrefix ?? '' }, 'connected to Kafka');
    return new KafkaBus(kafka, producer, options);
  }

  async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    if (records.length === 0) return;
    const stopTimer = this.options.metrics?.produceLatency.startTimer({ topic });
    await this.producer.send({ topic: this.kafkaTopic(topic), acks: -1, messages: records.map(encodeRecord) });
    stopTimer?.();
  }

  async consume<T extends BusTopic>(topic: T, options: ConsumeOptions, handler: BatchHandler<T>): Promise<Subscription> {
    const logger = this.options.logger.child({ topic, groupId: options.groupId });
    const subscription = await subscribe({
      kafka: this.kafka,
      topic,
      kafkaTopic: this.kafkaTopic(topic),
      groupId: options.groupId,
      fromBeginning: options.fromBeginning ?? false,
      onAssigned: options.onAssigned,
      handler,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      retry: this.options.retry ?? { initialMs: 500, maxMs: 30_000 },
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 30_000,
      commitIntervalMs: this.options.commitIntervalMs ?? 1_000,
      // A dead letter that cannot be read is only logged: sending it to itself would loop.
      deadLetter: topic === BUS_TOPICS.deadLetter ? undefined : (letters) => this.publish(BUS_TOPICS.deadLetter, letters.map(deadLetterRecord)),
      metrics: this.options.metrics,
      logger,
    });
    const tracked: Subscription = {
      pause: subscription.pause,
      resume: subscription.resume,
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  readToEnd<T extends BusTopic>(topic: T, handler: BatchHandler<T>): Promise<void> {
    return readToEnd({ kafka: this.kafka, topic, kafkaTopic: this.kafkaTopic(topic), handler, logger: this.options.logger });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.producer.disconnect();
  }

  private kafkaTopic(topic: BusTopic): string {
    return (this.options.topicPrefix ?? '') + topic;
  }
}

/** kafkajs wraps the connection failure in retry errors; the innermost cause says what happened. */
function isConnectionError(error: unknown): boolean {
  let current = error as { name?: string; cause?: unknown } | undefined;
  while (current) {
    if (current.name === 'KafkaJSConnectionError' || current.name === 'KafkaJSBrokerNotFound') return true;
    current = current.cause as typeof current;
  }
  return false;
}
