import { Registry, collectDefaultMetrics } from 'prom-client';
import { BusConfigSchema, createBus, createBusMetrics } from '../../platform/src/index.js';
import { loadConfig } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { startOpsServer } from '../../platform/src/index.js';
import { loadIngestConfig } from './config.js';
import { createIngest, type Ingest } from './ingest-service.js';
import { createIngestMetrics } from './metrics.js';
import { handleCommandLine } from '../../platform/src/index.js';
import { USAGE } from './usage.js';

/** Runs ingest on its own: MQTT in, the bus out (Kafka when KAFKA_BROKERS is set), /healthz /readyz /metrics on INGEST_PORT. */
handleCommandLine(process.argv, USAGE);
const logger = createLogger('ingest');
const config = loadIngestConfig();
const busConfig = loadConfig(BusConfigSchema);
const registry = new Registry();
collectDefaultMetrics({ register: registry });

let ingest: Ingest | undefined;
const ops = await startOpsServer({ port: config.port, portVariable: 'INGEST_PORT', registry, ready: () => ingest?.ready() ?? false });
logger.info({ port: ops.port }, 'ops endpoints listening: /healthz /readyz /metrics');
const bus = await createBus(busConfig, logger, { metrics: createBusMetrics(registry) });
ingest = await createIngest({ ...config, bus, logger, metrics: createIngestMetrics(registry) });

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await ingest?.close();
  await bus.close();
  await ops.close();
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
