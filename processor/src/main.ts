import { Registry, collectDefaultMetrics } from 'prom-client';
import { BusConfigSchema, createBus, createBusMetrics, createLogger, handleCommandLine, loadConfig, startOpsServer } from '../../platform/src/index.js';
import { startStoreWriter, type StoreWriter } from '../../store-writer/src/index.js';
import { loadProcessorConfig } from './config.js';
import { startProcessor, type Processor } from './processor.js';
import { USAGE } from './usage.js';

/**
 * Runs the processor on its own, with the store writer beside it: readings from the bus (Kafka
 * when KAFKA_BROKERS is set), alerts back to it, and readings and alerts copied to InfluxDB (when
 * INFLUX_URL is set) or the local sink; /healthz /readyz /metrics on PROCESSOR_PORT, for both.
 */
handleCommandLine(process.argv, USAGE);
const logger = createLogger('processor');
const config = loadProcessorConfig();
const busConfig = loadConfig(BusConfigSchema);
const registry = new Registry();
collectDefaultMetrics({ register: registry });

let processor: Processor | undefined;
let storeWriter: StoreWriter | undefined;
const ops = await startOpsServer({
  port: config.port,
  portVariable: 'PROCESSOR_PORT',
  registry,
  ready: () => (processor?.ready() ?? false) && storeWriter !== undefined,
});
logger.info({ port: ops.port }, 'ops endpoints listening: /healthz /readyz /metrics');
const bus = await createBus(busConfig, logger, { metrics: createBusMetrics(registry) });
[processor, storeWriter] = await Promise.all([
  startProcessor({ bus, logger, registry, ...config }),
  startStoreWriter({ bus, logger: logger.child({ component: 'store-writer' }), registry }),
]);

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await Promise.all([processor?.close(), storeWriter?.close()]);
  await bus.close();
  await ops.close();
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
