import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { BUS_TOPICS, type BusTopic } from '../../contracts/src/index.js';
import { KafkaBus } from '../src/bus/index.js';
import { topicConfig, topicPolicies } from '../src/bus/kafka/topics.js';
import { createLogger } from '../src/logger.js';
import { busContract } from './bus/contract.js';

/** The bus contract on Kafka. Every test gets its own topic prefix, so it starts from fresh topics. */
const services = inject('services');
const logger = createLogger('bus-contract-kafka', process.env.LOG_LEVEL ?? 'silent');
const prefixes: string[] = [];
let admin: Admin;

beforeAll(async () => {
  admin = new Kafka({ brokers: services.kafkaBrokers, clientId: 'bus-contract-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  const topics = prefixes.flatMap((prefix) => Object.values(BUS_TOPICS).map((topic) => prefix + topic));
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: topics.filter((topic) => existing.has(topic)) });
  await admin.disconnect();
});

function place(): string {
  const prefix = `contract-${randomUUID().slice(0, 8)}.`;
  prefixes.push(prefix);
  return prefix;
}

function connect(topicPrefix: string): Promise<KafkaBus> {
  return KafkaBus.connect({ brokers: services.kafkaBrokers, clientId: 'bus-contract', topicPrefix, retry: { initialMs: 100, maxMs: 1000 }, logger });
}

/** Kafka applies retention itself; what the bus decides is each topic's configuration, which must be the policy's. */
async function retention(): Promise<void> {
  const prefix = place();
  const bus = await connect(prefix);
  try {
    const topics = Object.values(BUS_TOPICS) as BusTopic[];
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((topic) => ({ type: 2, name: prefix + topic, configNames: ['cleanup.policy', 'retention.ms', 'retention.bytes'] })),
    });
    const policies = topicPolicies();
    for (const topic of topics) {
      const entries = resources.find((resource) => resource.resourceName === prefix + topic)?.configEntries ?? [];
      const actual = Object.fromEntries(entries.map((entry) => [entry.configName, entry.configValue]));
      const policy = policies[topic];
      const wanted = topicConfig(policy);
      expect({ topic, ...Object.fromEntries(Object.keys(wanted).map((name) => [name, actual[name]])) }).toEqual({ topic, ...wanted });
      if (!policy.compacted) expect({ topic, bytes: actual['retention.bytes'] }).toEqual({ topic, bytes: String(policy.retention.bytes ?? -1) });
    }
  } finally {
    await bus.close();
  }
}

busContract({
  name: 'Kafka',
  place,
  open: connect,
  retention,
  crashChild: (topicPrefix) => ({ kind: 'kafka', brokers: services.kafkaBrokers, topicPrefix }),
  timeoutMs: 60_000,
});
