import { createServer } from 'node:net';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { InfluxEndpoint, RunningServices, ServiceName, Services } from './services.js';

/** The images of docker-compose.yml, so tests and the production-like stack run the same versions. */
export const IMAGES = { kafka: 'apache/kafka:4.1.0', mosquitto: 'eclipse-mosquitto:2', influxdb: 'influxdb:2.7' } as const;

/** Starts the missing services as containers; stop() removes them. */
export async function startContainers(names: readonly ServiceName[]): Promise<RunningServices> {
  const found: Partial<Services> = {};
  const containers: StartedTestContainer[] = [];
  try {
    if (names.includes('kafka')) {
      const { container, brokers } = await startKafka();
      containers.push(container);
      found.kafkaBrokers = brokers;
    }
    if (names.includes('mosquitto')) {
      const container = await new GenericContainer(IMAGES.mosquitto)
        // Mosquitto 2 listens on loopback only unless configured; anonymous is fine for a throwaway broker.
        .withCopyContentToContainer([{ content: 'listener 1883\nallow_anonymous true\n', target: '/mosquitto/config/mosquitto.conf' }])
        .withExposedPorts(1883)
        .withWaitStrategy(Wait.forLogMessage(/mosquitto version .* running/))
        .start();
      containers.push(container);
      found.mqttUrl = `mqtt://${container.getHost()}:${container.getMappedPort(1883)}`;
    }
    if (names.includes('influx')) {
      const influx = await startInfluxDb2();
      containers.push(influx.container);
      found.influx = influx.endpoint;
    }
  } catch (error) {
    await Promise.allSettled(containers.map((container) => container.stop()));
    throw error;
  }
  return { found, stop: async () => void (await Promise.all(containers.map((container) => container.stop()))) };
}

/**
 * Single-node Kafka in KRaft mode. Clients must reach the broker at the address it advertises,
 * which therefore has to be the host port: a free one is chosen first and bound explicitly.
 */
async function startKafka(): Promise<{ container: StartedTestContainer; brokers: string[] }> {
  const port = await freePort();
  const container = await new GenericContainer(IMAGES.kafka)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withExposedPorts({ container: 9092, host: port })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  return { container, brokers: [`127.0.0.1:${port}`] };
}

/** A real InfluxDB 2.x, onboarded through the image's DOCKER_INFLUXDB_INIT_* variables with org, bucket and token. */
export async function startInfluxDb2(): Promise<{ container: StartedTestContainer; endpoint: InfluxEndpoint }> {
  const endpoint = { token: 'ioc-test-token', org: 'ioc', bucket: 'ioc' };
  const container = await new GenericContainer(IMAGES.influxdb)
    .withEnvironment({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: 'ioc-admin',
      DOCKER_INFLUXDB_INIT_PASSWORD: 'ioc-admin-password',
      DOCKER_INFLUXDB_INIT_ORG: endpoint.org,
      DOCKER_INFLUXDB_INIT_BUCKET: endpoint.bucket,
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: endpoint.token,
    })
    .withExposedPorts(8086)
    // Onboarding runs a temporary server on another port; 8086 answers only once it is done.
    .withWaitStrategy(Wait.forHttp('/health', 8086).forStatusCode(200))
    .withStartupTimeout(180_000)
    .start();
  return {
    container,
    endpoint: { ...endpoint, url: `http://${container.getHost()}:${container.getMappedPort(8086)}`, flavour: 'influxdb2' },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
