/** What other parts (the standalone launcher) use of ingest; the rest of ingest/src is internal. */
export { createBrokerIngest, createIngest, type BrokerIngest, type BrokerIngestOptions, type Ingest, type IngestOptions } from './ingest-service.js';
export {
  EMBEDDED_BROKER_MAX_PACKET_BYTES,
  startEmbeddedBroker,
  type BrokerAccount,
  type BrokerRole,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
} from './embedded-broker.js';
export { DeviceRegistry, type DeviceCredential, type DeviceLogins } from './device-registry.js';
export { createBrokerMetrics, createIngestMetrics, type BrokerMetrics, type IngestMetrics } from './metrics.js';
export { INGEST_BATCH_DEFAULTS, loadIngestConfig, type IngestConfig } from './config.js';
export { DEAD_LETTER_EXCERPT_BYTES, READING_BOUNDS_DEFAULTS, normalizeMessage, type NormalizedMessage, type ReadingBounds } from './normalize.js';
