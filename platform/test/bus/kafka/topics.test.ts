import { describe, expect, it } from 'vitest';
import { BUS_TOPIC_POLICY, BUS_TOPICS } from '../../../../contracts/src/index.js';
import { DEFAULT_TOPIC_SETTINGS, topicSpecs } from '../../../src/bus/kafka/topics.js';

function configOf(topic: string, specs = topicSpecs()) {
  const spec = specs.find((s) => s.topic === topic);
  if (!spec) throw new Error(`no spec for ${topic}`);
  return { partitions: spec.numPartitions, replication: spec.replicationFactor, config: Object.fromEntries((spec.configEntries ?? []).map((e) => [e.name, e.value])) };
}

describe('Kafka topics', () => {
  it('has a spec for every bus topic', () => {
    expect(topicSpecs().map((s) => s.topic).sort()).toEqual(Object.values(BUS_TOPICS).sort());
  });

  it('gives telemetry the most partitions, the unit processors scale by', () => {
    const { partitions } = configOf(BUS_TOPICS.telemetry);
    expect(partitions).toBe(12);
    for (const spec of topicSpecs()) expect(spec.numPartitions).toBeLessThanOrEqual(partitions ?? 0);
  });

  it('compacts rule sets in one partition and device checkpoints, and deletes the rest by age', () => {
    expect(configOf(BUS_TOPICS.rules)).toMatchObject({ partitions: 1, config: { 'cleanup.policy': 'compact' } });
    expect(configOf(BUS_TOPICS.devices).config).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
    expect(configOf(BUS_TOPICS.alerts).config['cleanup.policy']).toBe('delete');
    expect(configOf(BUS_TOPICS.telemetry).config['retention.ms']).toBe(String(72 * 3_600_000));
  });

  it('follows the topic policy declared in the contracts: partitions, retention by age and size, compaction', () => {
    for (const [topic, policy] of Object.entries(BUS_TOPIC_POLICY)) {
      const { partitions, config } = configOf(topic);
      expect(partitions).toBe(policy.partitions);
      expect(config['cleanup.policy']).toBe(policy.compacted ? 'compact' : 'delete');
      if (!policy.compacted) expect(config['retention.ms']).toBe(String(policy.retention.ms ?? -1));
      expect(config['retention.bytes']).toBe(policy.retention.bytes === undefined ? undefined : String(policy.retention.bytes));
    }
    expect(configOf(BUS_TOPICS.deadLetter).config['retention.bytes']).toBe(String(256 * 1024 * 1024));
  });

  it('keeps the audit trail a year by default, and as long as configured', () => {
    expect(configOf(BUS_TOPICS.audit).config['retention.ms']).toBe(String(365 * 86_400_000));
    const specs = topicSpecs({ ...DEFAULT_TOPIC_SETTINGS, auditRetentionDays: 3650 });
    expect(configOf(BUS_TOPICS.audit, specs).config['retention.ms']).toBe(String(3650 * 86_400_000));
  });

  it('asks two in-sync copies per write once there are three replicas', () => {
    expect(configOf(BUS_TOPICS.alerts).config['min.insync.replicas']).toBe('1');
    const specs = topicSpecs({ ...DEFAULT_TOPIC_SETTINGS, replicationFactor: 3 });
    expect(configOf(BUS_TOPICS.alerts, specs)).toMatchObject({ replication: 3, config: { 'min.insync.replicas': '2' } });
  });

  it('prefixes topic names for deployments sharing a cluster', () => {
    expect(topicSpecs(DEFAULT_TOPIC_SETTINGS, 'hanoi.').map((s) => s.topic)).toContain('hanoi.ioc.telemetry');
  });
});
