/** `npm run start:processor -- --help`. */
export const USAGE = `Usage: npm run start:processor [-- --help]

Processor: evaluates every rule set in force on ioc.rules against ioc.telemetry and
ioc.camera-events and publishes alert changes on ioc.alerts; the store writer, run beside it,
stores readings and alerts (InfluxDB, or the local store).
Configuration comes from environment variables:

  PROCESSOR_TICK_INTERVAL_MS=5000, PROCESSOR_INSTANCE_ID
  PROCESSOR_CHECKPOINT_INTERVAL_MS=30000  how often device report intervals (ioc.devices) and rule
                            state (ioc.rule-state) are checkpointed; the most a crash can lose
  PROCESSOR_PORT=8082       /healthz /readyz /metrics (processor and store writer)
  INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG=ioc, INFLUX_BUCKET=ioc
                            InfluxDB 2.x; the local store when INFLUX_URL is unset
  INFLUX_MAX_BACKLOG=100000 lines held while the store is slow before consumption pauses
  PROCESSOR_DATA_DIR        the local store also appends daily NDJSON files here
  PROCESSOR_SINK_MEMORY=10000  readings, and alert snapshots, the local store keeps in memory
  KAFKA_BROKERS             Kafka brokers host:port,... (in-process bus when unset)
  KAFKA_TOPIC_PREFIX, KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD,
  KAFKA_REPLICATION_FACTOR=1, KAFKA_TELEMETRY_PARTITIONS=12
  LOG_LEVEL=info            pino level of the JSON logs on stdout
`;
