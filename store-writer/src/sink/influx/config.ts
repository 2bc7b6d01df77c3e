import { z } from 'zod';
import { env } from '../../../../platform/src/index.js';
import type { Logger } from '../../../../platform/src/index.js';
import type { InfluxSinkOptions } from './influx-sink.js';

/** The environment variables of the InfluxDB sink. Without INFLUX_URL the processor uses its embedded store. */
export const InfluxConfigSchema = z.object({
  INFLUX_URL: env.url(),
  INFLUX_TOKEN: z.string().default(''),
  INFLUX_ORG: z.string().min(1).default('ioc'),
  INFLUX_BUCKET: z.string().min(1).default('ioc'),
  /** Lines held unacknowledged before the processor pauses consumption. */
  INFLUX_MAX_BACKLOG: env.int(100_000, 1),
  INFLUX_BATCH_LINES: env.int(5_000, 1),
  INFLUX_CONCURRENCY: env.int(2, 1),
  INFLUX_TIMEOUT_MS: env.int(10_000, 100),
});
export type InfluxConfig = z.infer<typeof InfluxConfigSchema>;

/** Options for `new InfluxSink(...)`, or undefined when INFLUX_URL is not set. */
export function influxSinkOptions(config: InfluxConfig, logger: Logger): InfluxSinkOptions | undefined {
  if (!config.INFLUX_URL) return undefined;
  return {
    url: config.INFLUX_URL,
    token: config.INFLUX_TOKEN,
    org: config.INFLUX_ORG,
    bucket: config.INFLUX_BUCKET,
    maxBacklog: config.INFLUX_MAX_BACKLOG,
    batchLines: config.INFLUX_BATCH_LINES,
    concurrency: config.INFLUX_CONCURRENCY,
    timeoutMs: config.INFLUX_TIMEOUT_MS,
    logger,
  };
}
