import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DeviceRegistry, startEmbeddedBroker, type BrokerMetrics } from '../../ingest/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import type { StandaloneConfig } from './config.js';

/** Where ingest and the simulated devices connect, and with which logins. */
export interface MqttAccess {
  url: string;
  /** The embedded broker, when MQTT_URL named none. */
  embedded: boolean;
  ingest: { username?: string; password?: string };
  devices: { username?: string; password?: string };
  close(): Promise<void>;
}

/**
 * The real broker MQTT_URL names, or an embedded one with two accounts: ingest (a password made
 * for this run; only this process uses it) and the device gateway (the kept or configured
 * password), which publishes for any device: the simulated city, replays and benchmarks use it.
 * Real devices log in each with its own id and secret from devices.json in the data directory
 * (`npm run devices -- add <deviceId>`), and publish only on their own topics.
 */
export async function openMqttAccess(
  config: StandaloneConfig,
  devicePassword: string,
  logger: Logger,
  /** The embedded broker hands every device message over before it answers the device (EmbeddedBrokerOptions.handOver). */
  handOver: (topic: string, payload: Buffer) => Promise<void>,
  /** What the embedded broker refused, by reason, on /metrics. */
  metrics?: BrokerMetrics,
): Promise<MqttAccess> {
  if (config.mqtt.url) {
    const login = { username: config.mqtt.username, password: config.mqtt.password };
    return { url: config.mqtt.url, embedded: false, ingest: login, devices: login, close: async () => undefined };
  }
  const ingest = { username: 'ingest', password: randomBytes(18).toString('base64url') };
  const devices = { username: config.devices.username, password: devicePassword };
  const broker = await startEmbeddedBroker({
    port: config.mqtt.port,
    host: config.mqtt.host,
    logger,
    accounts: [
      { ...ingest, role: 'ingest' },
      { ...devices, role: 'gateway' },
    ],
    devices: await DeviceRegistry.open(join(config.dataDir, 'devices.json')),
    handOver,
    metrics,
  });
  return { url: broker.url, embedded: true, ingest, devices, close: () => broker.close() };
}
