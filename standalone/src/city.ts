import { randomBytes } from 'node:crypto';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DashboardConfigSchema, createDashboard, type Dashboard } from '../../dashboard/src/index.js';
import { INGEST_BATCH_DEFAULTS, createBrokerIngest, createBrokerMetrics, createIngest, createIngestMetrics, loadIngestConfig, type BrokerIngest, type Ingest } from '../../ingest/src/index.js';
import { BusConfigSchema, createBus, createBusMetrics, type Bus } from '../../platform/src/index.js';
import { loadConfig } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { loadProcessorConfig } from '../../processor/src/index.js';
import { startProcessor, type Processor } from '../../processor/src/index.js';
import { loadStoreWriterConfig, startStoreWriter } from '../../store-writer/src/index.js';
import { startSimulation, type Simulation } from '../../simulators/src/index.js';
import { loadStandaloneConfig } from './config.js';
import { openDataDir } from './data-dir.js';
import { openMqttAccess } from './mqtt-access.js';

/** What the launcher tells the user at start, and what tests use to reach the city. */
export interface CityInfo {
  dashboardUrl: string;
  /** Set only at the first start without IOC_ADMIN_PASSWORD: shown once, then only its hash is kept. */
  generatedAdminPassword?: string;
  adminPasswordConfigured: boolean;
  /** IOC_DATA_DIR, absolute, and what this start keeps there (the real stack keeps some elsewhere). */
  dataDir: string;
  dataDirHolds: string[];
  secrets: { file: string; createdAt: number; tightenedFrom?: number };
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
export async function startCity(given: NodeJS.ProcessEnv, logLevel: string): Promise<City> {
  const logger = createLogger('ioc', logLevel, 2);
  const partLogger = (part: string) => createLogger(part, logLevel, 2);
  const config = loadStandaloneConfig(given);
  const { layout, secrets: kept, environment } = await openDataDir(config.dataDir, given);
  if (kept.tightenedFrom !== undefined) logger.warn({ file: kept.path, mode: kept.tightenedFrom.toString(8) }, 'the kept secrets were readable by others; restricted them to 0600');
  const dashboardConfig = loadConfig(DashboardConfigSchema, environment);
  const busConfig = loadConfig(BusConfigSchema, environment);
  const storeWriterConfig = loadStoreWriterConfig(environment);
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
    // The embedded broker answers a device only once ingest has its message on the bus; ingest starts
    // after the bus, so what arrives before waits for it.
    let startIngest!: (ingest: BrokerIngest) => void;
    const brokerIngest = new Promise<BrokerIngest>((resolve) => (startIngest = resolve));
    const handOver = (topic: string, payload: Buffer) => brokerIngest.then((ingest) => ingest.accept(topic, payload));
    const mqtt = await openMqttAccess(config, config.devices.password ?? kept.secrets.devicePassword, partLogger('broker'), handOver, createBrokerMetrics(registry));
    closers.push(() => mqtt.close());

    const bus = await createBus(busConfig, partLogger('bus'), { metrics: createBusMetrics(registry), dataDirectory: layout.bus });
    closers.push(() => bus.close());

    const dashboard: Dashboard = await createDashboard({
      bus,
      logger: partLogger('dashboard'),
      registry,
      database: dashboardConfig.database,
      importFiles: dashboardConfig.importFiles,
      users: { adminPassword: dashboardConfig.IOC_ADMIN_PASSWORD, seed: dashboardConfig.IOC_USERS },
      tokenSecret: dashboardConfig.IOC_TOKEN_SECRET ?? kept.secrets.tokenSecret,
      trustProxy: dashboardConfig.TRUST_PROXY,
    });
    closers.push(() => dashboard.close());

    const storeWriter = await startStoreWriter({ bus, logger: partLogger('store-writer'), registry, config: storeWriterConfig });
    closers.push(() => storeWriter.close());
    const processor: Processor = await startProcessor({ bus, logger: partLogger('processor'), registry, ...processorConfig });
    closers.push(() => processor.close());

    let simulation: Simulation | undefined;
    const ingestOptions = {
      // The simulated clock runs ahead of the wall clock (SIM_SPEED): its readings are not from the future.
      deviceClock: () => simulation?.stats().simulatedTime ?? 0,
      // INGEST_MAX_PAYLOAD_BYTES, INGEST_MAX_READING_AHEAD_MS and INGEST_MAX_READING_AGE_MS, as for ingest on its own.
      bounds: loadIngestConfig(given).bounds,
      bus,
      logger: partLogger('ingest'),
      metrics: createIngestMetrics(registry),
      batch: INGEST_BATCH_DEFAULTS,
    };
    let ingest: Ingest;
    if (mqtt.embedded) {
      const taking = createBrokerIngest(ingestOptions);
      startIngest(taking);
      ingest = taking;
    } else {
      ingest = await createIngest({
        ...ingestOptions,
        mqttUrl: mqtt.url,
        // Unguessable, so no device can connect as ingest's session and take its subscriptions.
        mqttOptions: { ...mqtt.ingest, clientId: `ioc-ingest-${randomBytes(12).toString('base64url')}` },
      });
    }
    closers.push(() => ingest.close());

    await dashboard.whenReady();
    const { url: dashboardUrl } = await dashboard.listen(dashboardConfig.PORT, dashboardConfig.HOST);

    if (config.simulation) {
      simulation = await startSimulation({
        url: mqtt.url,
        ...mqtt.devices,
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
        adminPasswordConfigured: dashboardConfig.IOC_ADMIN_PASSWORD !== undefined,
        dataDir: layout.root,
        dataDirHolds: [
          ...('file' in dashboardConfig.database && dashboardConfig.database.file === layout.database ? ['database'] : []),
          ...(busConfig.KAFKA_BROKERS.length === 0 ? ['bus log'] : []),
          ...(storeWriter.store === 'local' && storeWriterConfig.PROCESSOR_DATA_DIR === layout.store ? ['stored readings'] : []),
          'secrets',
        ],
        secrets: { file: kept.path, createdAt: kept.secrets.createdAt, ...(kept.tightenedFrom === undefined ? {} : { tightenedFrom: kept.tightenedFrom }) },
        mqtt: {
          url: mqtt.url,
          embedded: mqtt.embedded,
          requestedPort: mqtt.embedded ? config.mqtt.port : undefined,
          deviceUsername: mqtt.embedded ? mqtt.devices.username : undefined,
          devicePassword: mqtt.embedded && !config.devices.password ? mqtt.devices.password : undefined,
        },
        bus: busConfig.KAFKA_BROKERS.length > 0 ? 'kafka' : 'in-process',
        store: storeWriter.store === 'influxdb' ? 'influxdb' : 'local',
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
