import { hostname } from 'node:os';
import { z } from 'zod';
import { IdentifierSchema } from '../../contracts/src/index.js';
import { env, loadConfig } from '../../platform/src/index.js';
import { READING_BOUNDS_DEFAULTS } from './normalize.js';

/**
 * A batch goes to the bus at 2000 messages or 10 ms after its first one. Large batches keep one
 * Kafka round trip per batch from limiting throughput (the broker's in-flight window must allow
 * them: max_inflight_messages in Mosquitto).
 */
export const INGEST_BATCH_DEFAULTS = { maxMessages: 2000, maxDelayMs: 10 } as const;

const IngestEnvSchema = z
  .object({
    MQTT_URL: z
      .url({ protocol: /^(mqtts?|wss?)$/, error: 'use mqtt://, mqtts://, ws:// or wss://, e.g. mqtt://127.0.0.1:1883' })
      .default('mqtt://127.0.0.1:1883'),
    MQTT_USERNAME: z.string().min(1).optional(),
    MQTT_PASSWORD: z.string().min(1).optional(),
    /** Stable per instance: the broker keeps this session's unacknowledged messages across restarts. */
    MQTT_CLIENT_ID: IdentifierSchema.default(`ioc-ingest-${hostname()}`),
    /** Set it to run several ingest instances that split the devices' messages (shared subscription). */
    MQTT_SHARED_GROUP: IdentifierSchema.optional(),
    INGEST_BATCH_MAX_MESSAGES: env.int(INGEST_BATCH_DEFAULTS.maxMessages, 1),
    INGEST_BATCH_MAX_DELAY_MS: env.int(INGEST_BATCH_DEFAULTS.maxDelayMs),
    /** Larger payloads are dead-lettered unparsed (IOC_PAYLOAD_TOO_LARGE). */
    INGEST_MAX_PAYLOAD_BYTES: env.int(READING_BOUNDS_DEFAULTS.maxPayloadBytes, 1),
    /** How far a reading's timestamp may run ahead of its receive time (IOC_READING_TIME_OUT_OF_RANGE). */
    INGEST_MAX_READING_AHEAD_MS: env.int(READING_BOUNDS_DEFAULTS.maxAheadMs),
    /** How far behind; unset takes any time since 2000, so recordings can be replayed. */
    INGEST_MAX_READING_AGE_MS: env.int(Number.MAX_SAFE_INTEGER, 1),
    /** Port of /healthz, /readyz and /metrics. */
    INGEST_PORT: env.port(8081),
  })
  .transform((e) => ({
    mqttUrl: e.MQTT_URL,
    mqttOptions: { username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, clientId: e.MQTT_CLIENT_ID },
    sharedGroup: e.MQTT_SHARED_GROUP,
    batch: { maxMessages: e.INGEST_BATCH_MAX_MESSAGES, maxDelayMs: e.INGEST_BATCH_MAX_DELAY_MS },
    bounds: { maxPayloadBytes: e.INGEST_MAX_PAYLOAD_BYTES, maxAheadMs: e.INGEST_MAX_READING_AHEAD_MS, maxAgeMs: e.INGEST_MAX_READING_AGE_MS },
    port: e.INGEST_PORT,
  }));

export type IngestConfig = z.infer<typeof IngestEnvSchema>;

export function loadIngestConfig(source: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadConfig(IngestEnvSchema, source);
}
