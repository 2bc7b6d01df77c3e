/** `npm run start:dashboard -- --help`. */
export const USAGE = `Usage: npm run start:dashboard [-- --help]

Dashboard: the operations centre's live alerts, acknowledgement and rule-set API, WebSocket
/ws and web page, following ioc.alerts, ioc.telemetry and ioc.rules.
Configuration comes from environment variables:

  PORT=8080, HOST=0.0.0.0   where it listens (also /healthz /readyz /metrics)
  IOC_ADMIN_PASSWORD        the admin's password; generated and printed once when unset
  IOC_TOKEN_SECRET          session-token key shared by replicas (>= 32 characters)
  IOC_USERS                 users to create: JSON [{"username","password","role"}]
  DATABASE_URL              PostgreSQL postgres://user:password@host:5432/name for the operations
                            record (accounts, rule-set versions, alert history, audit log)
  DATABASE_FILE=.data/ioc.sqlite   the embedded SQLite record when DATABASE_URL is unset
  USERS_PATH, AUDIT_LOG_PATH       the previous release's accounts and audit files, imported once
                            into a record without accounts (default: beside DATABASE_FILE)
  TRUST_PROXY=false
  KAFKA_BROKERS             Kafka brokers host:port,... (in-process bus when unset)
  KAFKA_TOPIC_PREFIX, KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD,
  KAFKA_REPLICATION_FACTOR=1, KAFKA_TELEMETRY_PARTITIONS=12
  LOG_LEVEL=info            pino level of the JSON logs on stdout
`;
