import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric ingest exposes on /metrics, declared once. */
export function createIngestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    messagesReceived: new Counter({
      name: 'ioc_ingest_messages_received_total',
      help: 'MQTT messages received from devices, by channel (telemetry or event).',
      labelNames: ['channel'] as const,
      registers,
    }),
    readingsPublished: new Counter({
      name: 'ioc_ingest_readings_published_total',
      help: 'Canonical readings published on ioc.telemetry.',
      registers,
    }),
    cameraEventsPublished: new Counter({
      name: 'ioc_ingest_camera_events_published_total',
      help: 'Camera events published on ioc.camera-events.',
      registers,
    }),
    invalidMessages: new Counter({
      name: 'ioc_ingest_invalid_messages_total',
      help: 'Device messages refused, by error code (see platform/src/errors.ts).',
      labelNames: ['code'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: 'ioc_ingest_dead_letters_total',
      help: 'Refused messages published on ioc.deadletter with their reason.',
      registers,
    }),
    busPublishFailures: new Counter({
      name: 'ioc_ingest_bus_publish_failures_total',
      help: 'Failed bus publishes; the batch stays unacknowledged and is published again.',
      registers,
    }),
    publishBatchSeconds: new Histogram({
      name: 'ioc_ingest_publish_batch_seconds',
      help: 'Time from starting to publish a batch until the bus holds all of it, retries included.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    mqttConnected: new Gauge({
      name: 'ioc_ingest_mqtt_connected',
      help: '1 while ingest is connected to the MQTT broker, else 0.',
      registers,
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/** What the embedded broker exposes on /metrics: what it refused, by reason. */
export function createBrokerMetrics(registry: Registry) {
  return {
    refusals: new Counter({
      name: 'ioc_mqtt_broker_refusals_total',
      help: 'What the embedded MQTT broker refused, by reason: login, client-id (another account\'s), publish-topic (outside the account\'s own), subscribe, packet-size.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;
