export { startStoreWriter, type StoreWriter, type StoreWriterOptions } from './start.js';
export { loadStoreWriterConfig, type StoreWriterConfig } from './config.js';
export { STORE_WRITER_GROUP, STORE_WRITER_ALERTS_GROUP } from './store-writer.js';
export { createStoreWriterMetrics, type StoreWriterMetrics } from './metrics.js';
export type { TimeSeriesSink } from './sink/sink.js';
export { LocalSink, type LocalSinkOptions } from './sink/local-sink.js';
export * from './sink/influx/index.js';
