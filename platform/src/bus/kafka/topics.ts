import { platformError } from '../../errors.js';
import type { Admin, ITopicConfig } from 'kafkajs';
import { BUS_TOPIC_POLICY, BUS_TOPICS, type BusTopic, type TopicPolicy } from '../../../../contracts/src/index.js';
import type { Logger } from '../../logger.js';
import { whileKafkaSettles } from './settling.js';

/** What an operator may tune per deployment; the rest of each topic's settings follows from its role. */
export interface TopicSettings {
  /** 1 for a single local broker; 3 in production, so one broker can fail without losing a record. */
  replicationFactor: number;
  /** The processor scales by partitions: instances in one group share them, at most one instance per partition. */
  telemetryPartitions: number;
  /** How long Kafka keeps readings: the buffer while the time-series store is down, and the replay window. */
  telemetryRetentionHours: number;
  /** Audit entries are evidence of who acknowledged or resolved what; provinces keep them at least a year. */
  auditRetentionDays: number;
}

export const DEFAULT_TOPIC_SETTINGS: TopicSettings = {
  replicationFactor: 1,
  telemetryPartitions: 12,
  telemetryRetentionHours: 72,
  auditRetentionDays: 365,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The contracts' topic policy with what the operator tuned for this deployment. */
export function topicPolicies(settings: TopicSettings = DEFAULT_TOPIC_SETTINGS): Record<BusTopic, TopicPolicy> {
  const policies = { ...BUS_TOPIC_POLICY };
  const telemetry = policies[BUS_TOPICS.telemetry];
  policies[BUS_TOPICS.telemetry] = { ...telemetry, partitions: settings.telemetryPartitions, retention: { ...telemetry.retention, ms: settings.telemetryRetentionHours * HOUR_MS } };
  const audit = policies[BUS_TOPICS.audit];
  policies[BUS_TOPICS.audit] = { ...audit, retention: { ...audit.retention, ms: settings.auditRetentionDays * DAY_MS } };
  return policies;
}

/** A topic policy as Kafka topic configuration. */
export function topicConfig(policy: TopicPolicy): Record<string, string> {
  if (policy.compacted) return { 'cleanup.policy': 'compact' };
  const config: Record<string, string> = { 'cleanup.policy': 'delete', 'retention.ms': String(policy.retention.ms ?? -1) };
  if (policy.retention.bytes !== undefined) config['retention.bytes'] = String(policy.retention.bytes);
  return config;
}

/**
 * The Kafka topic behind each bus topic, following the contracts' BUS_TOPIC_POLICY. `prefix` lets
 * several deployments (provinces, test runs) share one cluster: `hanoi.` + `ioc.telemetry`.
 */
export function topicSpecs(settings: TopicSettings = DEFAULT_TOPIC_SETTINGS, prefix = ''): ITopicConfig[] {
  return Object.entries(topicPolicies(settings)).map(([topic, policy]) => ({
    topic: prefix + topic,
    numPartitions: policy.partitions,
    replicationFactor: settings.replicationFactor,
    configEntries: Object.entries({
      // With acks=all, a write needs this many in-sync copies: 2 of 3 survives one broker loss.
      'min.insync.replicas': String(settings.replicationFactor >= 3 ? 2 : 1),
      ...topicConfig(policy),
    }).map(([name, value]) => ({ name, value })),
  }));
}

/**
 * Creates the topics that do not exist yet. Every part calls this at start-up, so instances
 * starting together race: a topic another instance created meanwhile counts as success. Existing
 * topics are left alone; a partition count that differs from the spec is reported, because
 * changing it moves devices between partitions and is an operator's decision.
 */
export async function ensureTopics(admin: Admin, specs: ITopicConfig[], logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
    // answers until its metadata has caught up with the controller: wait for the leaders ourselves.
    const created = await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(admin, missing.map((spec) => spec.topic));
    if (created) logger.info({ topics: missing.map((spec) => spec.topic) }, 'created Kafka topics');
  }
  const present = specs.filter((spec) => existing.has(spec.topic));
  if (present.length === 0) return;
  const { topics } = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
  for (const { name, partitions } of topics) {
    const wanted = present.find((spec) => spec.topic === name)?.numPartitions;
    if (wanted !== undefined && partitions.length !== wanted) {
      logger.warn(
        { topic: name, partitions: partitions.length, configured: wanted },
        'topic has a different partition count than configured; kept as is (add partitions with kafka-topics.sh --alter if intended)',
      );
    }
  }
}

/**
 * Resolves once every partition of `topics` has a leader that serves it, so the first produce,
 * fetch or offset lookup does not fail. Listing offsets goes to each partition's leader, which is
 * what proves it serves the partition; metadata alone can name a leader that is not ready yet.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const leaderless = new Error('a partition has no leader yet');
  Object.assign(leaderless, { retriable: true });
  try {
    await whileKafkaSettles(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics });
      if (!metadata.topics.every(({ partitions }) => partitions.length > 0 && partitions.every(({ leader }) => leader >= 0))) throw leaderless;
      for (const topic of topics) await admin.fetchTopicOffsets(topic);
    }, timeoutMs);
  } catch (error) {
    if ((error as { retriable?: boolean }).retriable) throw platformError('IOC_KAFKA_TOPIC_NO_LEADER', [topics.join(', '), String(timeoutMs)], { cause: error });
    throw error;
  }
}
