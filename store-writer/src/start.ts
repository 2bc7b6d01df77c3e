import type { Registry } from 'prom-client';
import type { Bus, Logger } from '../../platform/src/index.js';
import { loadStoreWriterConfig, type StoreWriterConfig } from './config.js';
import { createStoreWriterMetrics } from './metrics.js';
import { influxSinkOptions } from './sink/influx/config.js';
import { InfluxSink } from './sink/influx/influx-sink.js';
import { LocalSink } from './sink/local-sink.js';
import type { TimeSeriesSink } from './sink/sink.js';
import { consumeIntoSink } from './store-writer.js';

export interface StoreWriterOptions {
  bus: Bus;
  logger: Logger;
  /** Where the store writer's metrics are registered. */
  registry: Registry;
  /**
   * The store to write to. By default the one `config` names, which the store writer opens and
   * closes; a sink passed here belongs to the caller.
   */
  sink?: TimeSeriesSink;
  /** Default: read from the environment (INFLUX_*, PROCESSOR_DATA_DIR, PROCESSOR_SINK_MEMORY). */
  config?: StoreWriterConfig;
}

export interface StoreWriter {
  readonly sink: TimeSeriesSink;
  /** Which store the readings go to, for the start banner. */
  readonly store: 'influxdb' | 'local' | 'given';
  /** Stops consuming, then closes the sink it opened (a given sink stays open). */
  close(): Promise<void>;
}

/**
 * The store writer's public start: copies `ioc.telemetry` and `ioc.alerts` into the time-series
 * store in consumer groups of its own, so it runs beside the processor (or alone) and alerting
 * never waits for the store.
 */
export async function startStoreWriter(options: StoreWriterOptions): Promise<StoreWriter> {
  const { bus, logger } = options;
  let sink = options.sink;
  let store: StoreWriter['store'] = 'given';
  if (sink === undefined) {
    const config = options.config ?? loadStoreWriterConfig();
    const influx = influxSinkOptions(config, logger.child({ component: 'store' }));
    sink = influx ? new InfluxSink(influx) : new LocalSink({ memoryLimit: config.PROCESSOR_SINK_MEMORY, directory: config.PROCESSOR_DATA_DIR });
    store = influx ? 'influxdb' : 'local';
  }
  const opened = options.sink === undefined ? sink : undefined;
  const consuming = await consumeIntoSink({ bus, sink, logger, metrics: createStoreWriterMetrics(options.registry) }).catch(async (error: unknown) => {
    await opened?.close();
    throw error;
  });
  return {
    sink,
    store,
    async close() {
      // Together: while the store is down, a batch waits on the sink until its close() gives up on it.
      await Promise.all([consuming.close(), opened?.close()]);
    },
  };
}
