import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AuditLog, DashboardConfigSchema, createDashboard, type Dashboard } from '../../dashboard/src/index.js';
import { INGEST_BATCH_DEFAULTS, createIngest, createIngestMetrics, startEmbeddedBroker, type EmbeddedBroker, type Ingest } from '../../ingest/src/index.js';
import { BusConfigSchema, createBus, type Bus } from '../../platform/src/index.js';
import { loadConfig } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { loadProcessorConfig } from '../../processor/src/index.js';
import { createProcessorMetrics } from '../../processor/src/index.js';
import { createProcessor, type Processor } from '../../processor/src/index.js';
import { defaultRuleSet } from '../../rule-core/src/index.js';
import { InfluxConfigSchema, InfluxSink, influxSinkOptions } from '../../store-writer/src/index.js';
import { LocalSink } from '../../store-writer/src/index.js';
import type { TimeSeriesSink } from '../../store-writer/src/index.js';
import { startSimulation, type Simulation } from '../../simulators/src/index.js';
import { loadStandaloneConfig } from './config.js';

/** What the launcher tells the user at start, and what tests use to reach the city. */
export interface CityInfo {
  dashboardUrl: string;
  /** Set only when IOC_ADMIN_PASSWORD was not given: shown once. */
  generatedAdminPassword?: string;
  mqtt: { url: string; embedded: boolean; requestedPort?: number; deviceUsername?: string; devicePassword?: string };
  bus: 'in-process' | 'kafka';
  store: 'local' | 'influxdb';
  simulating: boolean;
}

export interface City {
  info: CityInfo;
  registry: Registry;
  bus: Bus;
  close(): Promise<void>;
}

/**
 * Starts every part in this process: a broker (embedded unless MQTT_URL is set), ingest, the
 * processor, the dashboard and the simulated city. Each real component named in the environment
 * (MQTT_URL, KAFKA_BROKERS, INFLUX_URL) replaces its embedded stand-in.
 */
export async function startCity(environment: NodeJS.ProcessEnv, logLevel: string): Promise<City> {
  const logger = createLogger('ioc', logLevel, 2);
  const partLogger = (part: string) => createLogger(part, logLevel, 2);
  const config = loadStandaloneConfig(environment);
  const dashboardConfig = loadConfig(DashboardConfigSchema, environment);
  const busConfig = loadConfig(BusConfigSchema, environment);
  const influxConfig = loadConfig(InfluxConfigSchema, environment);
  const processorConfig = loadProcessorConfig(environment);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) {
      await closeOne().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };

  try {
    const devicePassword = config.devices.password ?? randomBytes(12).toString('base64url');
    const ingestAccount = { username: 'ingest', password: randomBytes(18).toString('base64url') };
    let broker: EmbeddedBroker | undefined;
    if (!config.mqtt.url) {
      broker = await startEmbeddedBroker({
        port: config.mqtt.port,
        host: config.mqtt.host,
        logger: partLogger('broker'),
        accounts: [
          { ...ingestAccount, role: 'ingest' },
          { username: config.devices.username, password: devicePassword, role: 'device' },
        ],
      });
      closers.push(() => broker!.close());
    }
    const mqttUrl = broker?.url ?? config.mqtt.url!;
    const ingestCredentials = broker ? ingestAccount : { username: config.mqtt.username, password: config.mqtt.password };

    const bus = await createBus(busConfig, partLogger('bus'));
    closers.push(() => bus.close());
    const influx = influxSinkOptions(influxConfig, partLogger('store'));
    const sink: TimeSeriesSink = influx
      ? new InfluxSink(influx)
      : new LocalSink({ memoryLimit: processorConfig.sinkMemory, directory: processorConfig.dataDir });
    closers.push(() => sink.close());

    const auditLog = await AuditLog.open({ path: dashboardConfig.AUDIT_LOG_PATH, bus, logger: partLogger('audit') });
    closers.push(() => auditLog.close());
    const dashboard: Dashboard = await createDashboard({
      bus,
      logger: partLogger('dashboard'),
      registry,
      auditLog,
      users: { file: dashboardConfig.USERS_PATH, adminPassword: dashboardConfig.IOC_ADMIN_PASSWORD, seed: dashboardConfig.IOC_USERS },
      tokenSecret: dashboardConfig.IOC_TOKEN_SECRET,
      trustProxy: dashboardConfig.TRUST_PROXY,
    });
    closers.push(() => dashboard.close());

    const processor: Processor = await createProcessor({
      bus,
      sink,
      ruleSet: defaultRuleSet(),
      logger: partLogger('processor'),
      metrics: createProcessorMetrics(registry),
      tickIntervalMs: processorConfig.tickIntervalMs,
      checkpointIntervalMs: processorConfig.checkpointIntervalMs,
      instanceId: processorConfig.instanceId,
    });
    closers.push(() => processor.close());

    const ingest: Ingest = await createIngest({
      mqttUrl,
      mqttOptions: { ...ingestCredentials, clientId: `ioc-ingest-${hostname()}-${process.pid}` },
      bus,
      logger: partLogger('ingest'),
      metrics: createIngestMetrics(registry),
      batch: INGEST_BATCH_DEFAULTS,
    });
    closers.push(() => ingest.close());

    await dashboard.whenReady();
    const { url: dashboardUrl } = await dashboard.listen(dashboardConfig.PORT, dashboardConfig.HOST);

    let simulation: Simulation | undefined;
    if (config.simulation) {
      simulation = await startSimulation({
        url: mqttUrl,
        username: broker ? config.devices.username : config.mqtt.username,
        password: broker ? devicePassword : config.mqtt.password,
        seed: config.simulation.seed,
        speed: config.simulation.speed,
        interval: config.simulation.interval,
        scenario: 'pollution-episode',
        ...(config.simulation.province ? { province: config.simulation.province } : {}),
      });
      closers.push(async () => {
        await simulation!.stop();
      });
    }

    return {
      info: {
        dashboardUrl,
        generatedAdminPassword: dashboard.generatedAdminPassword,
        mqtt: {
          url: mqttUrl,
          embedded: Boolean(broker),
          requestedPort: broker ? config.mqtt.port : undefined,
          deviceUsername: broker ? config.devices.username : undefined,
          devicePassword: broker && !config.devices.password ? devicePassword : undefined,
        },
        bus: busConfig.KAFKA_BROKERS.length > 0 ? 'kafka' : 'in-process',
        store: influx ? 'influxdb' : 'local',
        simulating: Boolean(simulation),
      },
      registry,
      bus,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
