import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startContainers } from './containers.js';
import { startLocalServices } from './local-services.js';
import { storeFlavour } from './store-query.js';

/** Which store answers INFLUX_URL: the real InfluxDB 2.x, or VictoriaMetrics speaking its write API. */
export type StoreFlavour = 'influxdb2' | 'victoria-metrics';

export interface InfluxEndpoint {
  url: string;
  token: string;
  org: string;
  bucket: string;
  flavour: StoreFlavour;
}

/** Real services the integration tests run against. */
export interface Services {
  kafkaBrokers: string[];
  mqttUrl: string;
  influx: InfluxEndpoint;
}

export type ServiceName = 'kafka' | 'mosquitto' | 'influx';

/** Services that are up, and how to stop the ones this run started. */
export interface RunningServices {
  found: Partial<Services>;
  stop(): Promise<void>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: Services;
  }
}

type Log = (message: string) => void;

/**
 * Finds the services, per service: (a) the environment (KAFKA_BROKERS, MQTT_URL, INFLUX_URL with
 * INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET), as `eval "$(npm run -s services:up)"` sets it; for the
 * rest, (b) containers started with testcontainers when Docker answers (`docker info`), including
 * a real InfluxDB 2.x; else (c) the local services of scripts/services/up.sh. stop() stops only
 * what this call started.
 */
export async function resolveServices(log: Log, env: NodeJS.ProcessEnv = process.env): Promise<{ services: Services; stop(): Promise<void> }> {
  const fromEnv = await servicesFromEnv(env);
  const missing = (['kafka', 'mosquitto', 'influx'] as const).filter((name) => !isFound(fromEnv, name));
  if (missing.length < 3) log(`from the environment: ${(['kafka', 'mosquitto', 'influx'] as const).filter((name) => !missing.includes(name)).join(', ')}`);
  let started: RunningServices = { found: {}, stop: async () => undefined };
  if (missing.length > 0) {
    if (await dockerAvailable()) {
      log(`starting with testcontainers: ${missing.join(', ')}`);
      started = await startContainers(missing);
    } else {
      log(`Docker is not available; starting local services (scripts/services/up.sh): ${missing.join(', ')}`);
      started = await startLocalServices(missing, log);
    }
  }
  const services = { ...fromEnv, ...started.found } as Services;
  log(`kafka ${services.kafkaBrokers.join(',')}, mqtt ${services.mqttUrl}, ${services.influx.flavour} ${services.influx.url}`);
  return { services, stop: started.stop };
}

function isFound(found: Partial<Services>, name: ServiceName): boolean {
  return name === 'kafka' ? found.kafkaBrokers !== undefined : name === 'mosquitto' ? found.mqttUrl !== undefined : found.influx !== undefined;
}

async function servicesFromEnv(env: NodeJS.ProcessEnv): Promise<Partial<Services>> {
  const found: Partial<Services> = {};
  if (env.KAFKA_BROKERS) found.kafkaBrokers = env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean);
  if (env.MQTT_URL) found.mqttUrl = env.MQTT_URL;
  if (env.INFLUX_URL) {
    found.influx = {
      url: env.INFLUX_URL,
      token: env.INFLUX_TOKEN ?? '',
      org: env.INFLUX_ORG ?? 'ioc',
      bucket: env.INFLUX_BUCKET ?? 'ioc',
      flavour: await storeFlavour(env.INFLUX_URL),
    };
  }
  return found;
}

export async function dockerAvailable(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['info'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The environment variables our parts read, for tests that start them as child processes. */
export function servicesEnv(services: Services): Record<string, string> {
  return {
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    MQTT_URL: services.mqttUrl,
    INFLUX_URL: services.influx.url,
    INFLUX_TOKEN: services.influx.token,
    INFLUX_ORG: services.influx.org,
    INFLUX_BUCKET: services.influx.bucket,
  };
}
