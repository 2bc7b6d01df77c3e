import { z } from 'zod';
import { env } from '../config.js';
import type { Logger } from '../logger.js';
import type { Bus } from './bus.js';
import { InProcessBus } from './in-process-bus.js';
import { KafkaBus } from './kafka/kafka-bus.js';
import type { BusMetrics } from './metrics.js';

/**
 * The environment variables that choose and configure the bus. Without KAFKA_BROKERS the bus is
 * in-process (the embedded default); with it, Kafka.
 */
export const BusConfigSchema = z
  .object({
    /** Comma-separated `host:port` list, e.g. `127.0.0.1:19092`. */
    KAFKA_BROKERS: env.list(),
    KAFKA_CLIENT_ID: z.string().min(1).default('ioc'),
    /** Prepended to every topic name, so several deployments can share one cluster (e.g. `hanoi.`). */
    KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"').default(''),
    KAFKA_SSL: env.flag(false),
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
    KAFKA_REPLICATION_FACTOR: env.int(1, 1),
    KAFKA_TELEMETRY_PARTITIONS: env.int(12, 1),
    KAFKA_TELEMETRY_RETENTION_HOURS: env.int(72, 1),
    KAFKA_AUDIT_RETENTION_DAYS: env.int(365, 1),
    /**
     * Batches of different partitions a consumer handles at once. Handlers wait on Kafka round
     * trips (publishing alerts, committing), so overlapping them raised the processor from 6,300
     * to 8,900 readings/s on the local services (BENCHMARKS.md); order within a partition is kept.
     */
    KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: env.int(6, 1),
  })
  .superRefine((config, ctx) => {
    if (config.KAFKA_SASL_MECHANISM && !(config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_USERNAME'], message: 'set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD with KAFKA_SASL_MECHANISM' });
    }
  });
export type BusConfig = z.infer<typeof BusConfigSchema>;

export interface CreateBusOptions {
  /** The bus's metrics (createBusMetrics) on the service's /metrics registry. */
  metrics?: BusMetrics;
  /**
   * Where the in-process bus keeps its log, so records survive restarts and crashes (the
   * standalone default passes `${IOC_DATA_DIR}/bus`); without it the in-process bus is in memory.
   * Not used with Kafka.
   */
  dataDirectory?: string;
}

/** Kafka when KAFKA_BROKERS is set (connected, topics ensured), else the in-process bus. */
export async function createBus(config: BusConfig, logger: Logger, options: CreateBusOptions = {}): Promise<Bus> {
  if (config.KAFKA_BROKERS.length === 0) return new InProcessBus({ logger, metrics: options.metrics, directory: options.dataDirectory });
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username = '', KAFKA_SASL_PASSWORD: password = '' } = config;
  return KafkaBus.connect({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    ssl: config.KAFKA_SSL,
    sasl: mechanism === undefined ? undefined : { mechanism, username, password },
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    topics: {
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      telemetryPartitions: config.KAFKA_TELEMETRY_PARTITIONS,
      telemetryRetentionHours: config.KAFKA_TELEMETRY_RETENTION_HOURS,
      auditRetentionDays: config.KAFKA_AUDIT_RETENTION_DAYS,
    },
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    metrics: options.metrics,
    logger,
  });
}
