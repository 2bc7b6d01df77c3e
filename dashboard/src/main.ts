import { Registry, collectDefaultMetrics } from 'prom-client';
import { BusConfigSchema, createBus, createBusMetrics, platformError } from '../../platform/src/index.js';
import { loadConfig } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { DashboardConfigSchema } from './config.js';
import { createDashboard } from './dashboard.js';
import { handleCommandLine } from '../../platform/src/index.js';
import { USAGE } from './usage.js';

/** Runs the dashboard alone, following the bus (Kafka when KAFKA_BROKERS is set). */
handleCommandLine(process.argv, USAGE);
const config = loadConfig(DashboardConfigSchema);
const logger = createLogger('dashboard');
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const bus = await createBus(loadConfig(BusConfigSchema), logger, { metrics: createBusMetrics(registry) });
const dashboard = await createDashboard({
  bus,
  logger,
  registry,
  database: config.database,
  importFiles: config.importFiles,
  users: { adminPassword: config.IOC_ADMIN_PASSWORD, seed: config.IOC_USERS },
  tokenSecret: config.IOC_TOKEN_SECRET,
  trustProxy: config.TRUST_PROXY,
});

try {
  const { url } = await dashboard.listen(config.PORT, config.HOST);
  logger.info({ url, database: dashboard.database.where }, 'dashboard listening');
} catch (error) {
  throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? platformError('IOC_PORT_IN_USE', [String(config.PORT), 'PORT'], { cause: error }) : error;
}
if (dashboard.generatedAdminPassword) {
  // Printed once, outside the structured logs, so it is not shipped to log storage.
  process.stdout.write(`\nIOC_ADMIN_PASSWORD is not set. Log in as "admin" with this password (shown only now): ${dashboard.generatedAdminPassword}\n\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'dashboard stopping');
    void dashboard
      .close()
      .then(() => bus.close())
      .then(() => process.exit(0));
  });
}
