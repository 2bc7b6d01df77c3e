import { z } from 'zod';
import { IdentifierSchema } from '../../contracts/src/index.js';
import { env, loadConfig } from '../../platform/src/index.js';

const ProcessorEnvSchema = z
  .object({
    /** Port of /healthz, /readyz and /metrics. */
    PROCESSOR_PORT: env.port(8082),
    /** How often time-driven rules (missing data) run. */
    PROCESSOR_TICK_INTERVAL_MS: env.int(5000, 100),
    /**
     * How often what the processor learned about each device (report interval, rule state) is
     * checkpointed; also the most device state a crash can lose (see processor/README.md).
     */
    PROCESSOR_CHECKPOINT_INTERVAL_MS: env.int(30_000, 100),
    /**
     * Names this instance's consumer groups for operator changes and rule sets. Leave it unset to
     * get a new one per start, so a restarted processor reads the rule sets again from the beginning.
     */
    PROCESSOR_INSTANCE_ID: IdentifierSchema.optional(),
  })
  .transform((e) => ({
    port: e.PROCESSOR_PORT,
    tickIntervalMs: e.PROCESSOR_TICK_INTERVAL_MS,
    checkpointIntervalMs: e.PROCESSOR_CHECKPOINT_INTERVAL_MS,
    instanceId: e.PROCESSOR_INSTANCE_ID,
  }));

export type ProcessorConfig = z.infer<typeof ProcessorEnvSchema>;

export function loadProcessorConfig(source: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return loadConfig(ProcessorEnvSchema, source);
}
