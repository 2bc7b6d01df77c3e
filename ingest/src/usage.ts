/** `npm run start:ingest -- --help`. */
export const USAGE = `Usage: npm run start:ingest [-- --help]

Ingest: subscribes to the device topics (QoS 1), validates every message, puts canonical
readings and camera events on the bus and refused messages on ioc.deadletter with the reason.
Configuration comes from environment variables:

  MQTT_URL=mqtt://127.0.0.1:1883, MQTT_USERNAME, MQTT_PASSWORD
  MQTT_CLIENT_ID            stable per instance: the broker keeps its unacknowledged messages;
                            make it unguessable, whoever connects with it takes the session
  MQTT_SHARED_GROUP         several instances split the devices (MQTT v5 shared subscription)
  INGEST_BATCH_MAX_MESSAGES=2000, INGEST_BATCH_MAX_DELAY_MS=10
  INGEST_MAX_PAYLOAD_BYTES=65536     larger payloads are dead letters, unparsed
  INGEST_MAX_READING_AHEAD_MS=300000 timestamps further ahead of the receive time are dead letters
  INGEST_MAX_READING_AGE_MS          and further behind (unbounded: recordings replay their times)
  INGEST_PORT=8081          /healthz /readyz /metrics
  KAFKA_BROKERS             Kafka brokers host:port,... (in-process bus when unset)
  KAFKA_TOPIC_PREFIX, KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD,
  KAFKA_REPLICATION_FACTOR=1, KAFKA_TELEMETRY_PARTITIONS=12
  LOG_LEVEL=info            pino level of the JSON logs on stdout
`;
