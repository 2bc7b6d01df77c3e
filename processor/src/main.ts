import { Registry, collectDefaultMetrics } from 'prom-client';
import { BusConfigSchema, createBus, createBusMetrics } from '../../platform/src/index.js';
import { loadConfig } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { startOpsServer } from '../../platform/src/index.js';
import { loadProcessorConfig } from './config.js';
import { createProcessorMetrics } from './metrics.js';
import { createProcessor, type Processor } from './processor.js';
import { defaultRuleSet } from '../../rule-core/src/index.js';
import { InfluxConfigSchema, InfluxSink, influxSinkOptions } from '../../store-writer/src/index.js';
import { LocalSink } from '../../store-writer/src/index.js';
import type { TimeSeriesSink } from '../../store-writer/src/index.js';
import { handleCommandLine } from '../../platform/src/index.js';
import { USAGE } from './usage.js';

/**
 * Runs the processor on its own: readings from the bus (Kafka when KAFKA_BROKERS is set), alerts
 * back to it, and its store writer copying readings and alerts to InfluxDB (when INFLUX_URL is
 * set) or the local sink; /healthz /readyz /metrics on PROCESSOR_PORT.
 */
handleCommandLine(process.argv, USAGE);
const logger = createLogger('processor');
const config = loadProcessorConfig();
const busConfig = loadConfig(BusConfigSchema);
const influx = influxSinkOptions(loadConfig(InfluxConfigSchema), logger.child({ component: 'store' }));
const registry = new Registry();
collectDefaultMetrics({ register: registry });

let processor: Processor | undefined;
const ops = await startOpsServer({ port: config.port, portVariable: 'PROCESSOR_PORT', registry, ready: () => processor?.ready() ?? false });
logger.info({ port: ops.port }, 'ops endpoints listening: /healthz /readyz /metrics');
const bus = await createBus(busConfig, logger, { metrics: createBusMetrics(registry) });
const sink: TimeSeriesSink = influx ? new InfluxSink(influx) : new LocalSink({ memoryLimit: config.sinkMemory, directory: config.dataDir });
processor = await createProcessor({
  bus,
  sink,
  ruleSet: defaultRuleSet(),
  logger,
  metrics: createProcessorMetrics(registry),
  tickIntervalMs: config.tickIntervalMs,
  checkpointIntervalMs: config.checkpointIntervalMs,
  instanceId: config.instanceId,
});

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  // Together: while the store is down, the store writer's batch waits on the sink until close() gives up on it.
  await Promise.all([processor?.close(), sink.close()]);
  await bus.close();
  await ops.close();
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
