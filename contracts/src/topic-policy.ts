import { BUS_TOPICS, type BusTopicName } from './topics.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MIB = 1024 * 1024;

/**
 * How a bus topic keeps its records: declared once here, applied by Kafka topic creation and by
 * the embedded bus alike.
 */
export interface TopicPolicy {
  /** What the record key is. Records with one key go to one partition and stay in order. */
  key: string;
  /** Kafka's unit of scale: instances of one group share the partitions, at most one per partition. */
  partitions: number;
  /**
   * Records older than `ms`, or beyond `bytes` per partition, are deleted (whole segments, oldest
   * first). Unset means no limit. Compacted topics ignore it: they keep the latest record per key.
   */
  retention: { ms?: number; bytes?: number };
  /** Keep only the latest record per key (older ones are removed in the background). */
  compacted: boolean;
}

/**
 * - telemetry: the most partitions (the processor's unit of scale); kept 72 hours, which bounds how
 *   long the store may be down before readings age out, and is the replay window.
 * - camera-events, alerts: alerts are NOT compacted: snapshots of one alert come from several
 *   writers (processor, dashboard) and are folded with `mergeAlert`; compaction would keep only the
 *   last one written, which may be an older state. The processor writes an alert unresolved for
 *   30 days again, so it outlives the 90 days.
 * - rules: one partition (one ordered history), compacted: the latest rule set per id is kept forever.
 * - devices: compacted, the processor's latest checkpoint per device, kept for as long as the
 *   device exists (a device that stays silent must stay known).
 * - rule-state: compacted, the processor's latest rule state per device (timers, windows, anomaly
 *   baselines, open hours), so a restart or a rebalance continues episodes and keeps baselines.
 * - deadletter: 30 days, time for device owners to fix firmware and for replays; capped in size
 *   too, because a misconfigured fleet can flood it and the newest letters are the useful ones.
 * - audit: evidence of who acknowledged or resolved what; provinces keep it at least a year.
 */
export const BUS_TOPIC_POLICY: Readonly<Record<BusTopicName, TopicPolicy>> = {
  [BUS_TOPICS.telemetry]: { key: 'device id', partitions: 12, retention: { ms: 72 * HOUR_MS }, compacted: false },
  [BUS_TOPICS.cameraEvents]: { key: 'site id (a site\'s cameras are counted together)', partitions: 6, retention: { ms: 7 * DAY_MS }, compacted: false },
  [BUS_TOPICS.alerts]: { key: 'alert key (one open alert per rule and device)', partitions: 6, retention: { ms: 90 * DAY_MS }, compacted: false },
  [BUS_TOPICS.rules]: { key: 'rule-set id', partitions: 1, retention: {}, compacted: true },
  [BUS_TOPICS.devices]: { key: 'device id', partitions: 3, retention: {}, compacted: true },
  [BUS_TOPICS.ruleState]: { key: 'device id (or camera site, or air station for VN_AQI)', partitions: 3, retention: {}, compacted: true },
  [BUS_TOPICS.deadLetter]: { key: 'where the letter came from (MQTT topic, or bus topic[partition]@offset)', partitions: 3, retention: { ms: 30 * DAY_MS, bytes: 256 * MIB }, compacted: false },
  [BUS_TOPICS.audit]: { key: 'audit entry id', partitions: 3, retention: { ms: 365 * DAY_MS }, compacted: false },
};
