export { createProcessor, TELEMETRY_GROUP, CAMERA_GROUP, type Processor, type ProcessorOptions } from './processor.js';
export { loadProcessorConfig, type ProcessorConfig } from './config.js';
export { createProcessorMetrics, type ProcessorMetrics } from './metrics.js';
