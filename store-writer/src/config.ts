import { z } from 'zod';
import { env, loadConfig } from '../../platform/src/index.js';
import { InfluxConfigSchema } from './sink/influx/config.js';

/** Where the store writer keeps readings and alerts: InfluxDB when INFLUX_URL is set, else the local sink. */
const StoreWriterEnvSchema = InfluxConfigSchema.extend({
  /** Where the local sink appends daily NDJSON files of readings and alerts; memory only when unset. */
  PROCESSOR_DATA_DIR: z.string().min(1).optional(),
  /** Readings, and separately alert snapshots, the local sink keeps in memory. */
  PROCESSOR_SINK_MEMORY: env.int(10_000, 1),
});

export type StoreWriterConfig = z.infer<typeof StoreWriterEnvSchema>;

export function loadStoreWriterConfig(source: NodeJS.ProcessEnv = process.env): StoreWriterConfig {
  return loadConfig(StoreWriterEnvSchema, source);
}
