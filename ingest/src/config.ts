import { hostname } from 'node:os';
import { z } from 'zod';
import { IdentifierSchema } from '../../contracts/src/index.js';
import { env, loadConfig } from '../../platform/src/index.js';

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
    /** Port of /healthz, /readyz and /metrics. */
    INGEST_PORT: env.port(8081),
  })
  .transform((e) => ({
    mqttUrl: e.MQTT_URL,
    mqttOptions: { username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, clientId: e.MQTT_CLIENT_ID },
    sharedGroup: e.MQTT_SHARED_GROUP,
    batch: { maxMessages: e.INGEST_BATCH_MAX_MESSAGES, maxDelayMs: e.INGEST_BATCH_MAX_DELAY_MS },
    port: e.INGEST_PORT,
  }));

export type IngestConfig = z.infer<typeof IngestEnvSchema>;

export function loadIngestConfig(source: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadConfig(IngestEnvSchema, source);
}
