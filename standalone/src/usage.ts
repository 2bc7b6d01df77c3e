/** `npm start -- --help`. */
export const USAGE = `Usage: npm start [-- --help]

Runs the whole IOC pipeline in one process: an MQTT broker, ingest, the processor, the dashboard
and a simulated city. Each real component named in the environment replaces its embedded
stand-in. Configuration comes from environment variables:

  IOC_DATA_DIR=.data        what survives a restart: the database, the bus log, the stored
                            readings and the generated secrets (secrets.json, mode 0600)
  PORT=8080                 dashboard port (HOST=0.0.0.0)
  IOC_ADMIN_PASSWORD        the admin's password; when unset, one is generated at the first start
                            and printed then only (set it once to reset a lost one)
  IOC_TOKEN_SECRET          session-token key (>= 32 characters); generated once and kept when unset
  IOC_USERS                 users to create: JSON [{"username","password","role"}]
  DATABASE_URL              PostgreSQL for the operations record (accounts, rule versions, alert history, audit)
  DATABASE_FILE             its embedded SQLite file when DATABASE_URL is unset ($IOC_DATA_DIR/ioc.sqlite)
  MQTT_PORT=1883            embedded broker port; a free one is taken when it is busy (MQTT_HOST=0.0.0.0)
  MQTT_DEVICE_USERNAME, MQTT_DEVICE_PASSWORD
                            the embedded broker's device account (device / generated once and kept)
  MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD
                            a real broker instead of the embedded one
  KAFKA_BROKERS             Kafka instead of the in-process bus (host:port,...)
  INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET
                            InfluxDB 2.x instead of the local store
  PROCESSOR_DATA_DIR        the local store's daily NDJSON files ($IOC_DATA_DIR/store)
  SIMULATE=true             run the simulated city (SIM_SPEED=60, SIM_INTERVAL=5, SIM_SEED=1, SIM_PROVINCE)
  LOG_LEVEL=warn            pino level of the JSON logs on stderr

Examples:
  npm start
  PORT=9000 IOC_ADMIN_PASSWORD='a long password' npm start
  out="$(npm run -s services:up)" && eval "$out" && npm start    # on real Mosquitto, Kafka, store
`;
