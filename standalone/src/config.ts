import { resolve } from 'node:path';
import { z } from 'zod';
import { env, loadConfig } from '../../platform/src/index.js';

/**
 * What only the all-in-one launcher reads. Each part's own variables (PORT, IOC_ADMIN_PASSWORD,
 * KAFKA_BROKERS, INFLUX_URL, PROCESSOR_*…) keep their meaning here; see README "Configuration".
 */
const StandaloneEnvSchema = z
  .object({
    /**
     * What must survive a restart: the database, the local store's readings, the bus log (rule
     * state travels on it) and the generated secrets. Relative to the working directory.
     */
    IOC_DATA_DIR: z.string().min(1).default('.data'),
    /** A real broker (e.g. Mosquitto) instead of the embedded one. */
    MQTT_URL: z.url({ protocol: /^(mqtts?|wss?)$/, error: 'use mqtt://, mqtts://, ws:// or wss://' }).optional(),
    MQTT_USERNAME: z.string().min(1).optional(),
    MQTT_PASSWORD: z.string().min(1).optional(),
    /** Where the embedded broker listens for devices; a free port is taken when it is busy. */
    MQTT_PORT: env.port(1883),
    MQTT_HOST: z.string().min(1).default('0.0.0.0'),
    /** The account devices publish with on the embedded broker; the password is generated when unset. */
    MQTT_DEVICE_USERNAME: z.string().min(1).default('device'),
    MQTT_DEVICE_PASSWORD: z.string().min(8, 'use at least 8 characters').optional(),
    /** Run the simulated city; set to false to take only real devices. */
    SIMULATE: env.flag(true),
    SIM_SEED: env.int(1),
    /** Simulated seconds per real second: 60 makes a rule's 5-minute duration pass in 5 s. */
    SIM_SPEED: env.number(60),
    /** Real seconds between two readings of one simulated device. */
    SIM_INTERVAL: env.number(5),
    SIM_PROVINCE: z.string().optional(),
  })
  .transform((e) => ({
    dataDir: resolve(e.IOC_DATA_DIR),
    mqtt: { url: e.MQTT_URL, username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, port: e.MQTT_PORT, host: e.MQTT_HOST },
    devices: { username: e.MQTT_DEVICE_USERNAME, password: e.MQTT_DEVICE_PASSWORD },
    simulation: e.SIMULATE ? { seed: e.SIM_SEED, speed: e.SIM_SPEED, interval: e.SIM_INTERVAL, province: e.SIM_PROVINCE } : undefined,
  }));

export type StandaloneConfig = z.infer<typeof StandaloneEnvSchema>;

export function loadStandaloneConfig(source: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  return loadConfig(StandaloneEnvSchema, source);
}
