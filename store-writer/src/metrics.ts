import { Counter, Gauge, type Registry } from 'prom-client';

/** Every metric the store writer exports, registered on the registry its launcher passes in. */
export function createStoreWriterMetrics(registry: Registry) {
  return {
    sinkBacklog: new Gauge({
      name: 'ioc_store_writer_backlog',
      help: 'Readings and alert snapshots handed to the time-series sink and not yet acknowledged',
      registers: [registry],
    }),
    sinkWriteErrors: new Counter({
      name: 'ioc_store_writer_write_errors_total',
      help: 'Failed writes to the time-series sink; their batch is delivered again',
      registers: [registry],
    }),
    readingsStored: new Counter({
      name: 'ioc_store_writer_readings_total',
      help: 'Readings the time-series store acknowledged (redeliveries count again)',
      registers: [registry],
    }),
    alertSnapshotsStored: new Counter({
      name: 'ioc_store_writer_alert_snapshots_total',
      help: 'Alert snapshots the time-series store acknowledged (redeliveries count again)',
      registers: [registry],
    }),
    storeWriterPaused: new Gauge({
      name: 'ioc_store_writer_paused',
      help: '1 while the store writer stopped consuming because the sink backlog is full; Kafka holds the rest',
      registers: [registry],
    }),
  };
}

export type StoreWriterMetrics = ReturnType<typeof createStoreWriterMetrics>;
