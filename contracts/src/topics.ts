import type { Domain } from './domains.js';

/**
 * MQTT topic scheme devices publish on:
 *   ioc/{domain}/{siteId}/{deviceId}/telemetry   measurements (every domain)
 *   ioc/traffic/{siteId}/{deviceId}/event        AI camera detections
 * Ingest subscribes to everything under ioc/, not only to the two patterns: a message on a topic
 * outside the scheme becomes a dead letter with its reason instead of being acknowledged and lost.
 */
export const MQTT_TOPIC_PREFIX = 'ioc';
export const MQTT_SUBSCRIPTIONS = ['ioc/#'] as const;

export type MqttChannel = 'telemetry' | 'event';

export function deviceTopic(domain: Domain, siteId: string, deviceId: string, channel: MqttChannel): string {
  return `${MQTT_TOPIC_PREFIX}/${domain}/${siteId}/${deviceId}/${channel}`;
}

export interface ParsedDeviceTopic {
  domain: string;
  siteId: string;
  deviceId: string;
  channel: MqttChannel;
}

/** Splits a device topic; null when the topic does not follow the scheme. */
export function parseDeviceTopic(topic: string): ParsedDeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== MQTT_TOPIC_PREFIX) return null;
  const channel = parts[4];
  if (channel !== 'telemetry' && channel !== 'event') return null;
  return { domain: parts[1], siteId: parts[2], deviceId: parts[3], channel };
}

/**
 * Bus topics (Kafka topic names; the in-process bus uses the same names). What each one is keyed
 * by, how many partitions it has and how long it keeps records: BUS_TOPIC_POLICY in topic-policy.ts.
 */
export const BUS_TOPICS = {
  telemetry: 'ioc.telemetry',
  cameraEvents: 'ioc.camera-events',
  alerts: 'ioc.alerts',
  rules: 'ioc.rules',
  deadLetter: 'ioc.deadletter',
  audit: 'ioc.audit',
  devices: 'ioc.devices',
  ruleState: 'ioc.rule-state',
} as const;
export type BusTopicName = (typeof BUS_TOPICS)[keyof typeof BUS_TOPICS];
