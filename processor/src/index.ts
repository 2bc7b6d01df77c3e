export { startProcessor, type Processor, type ProcessorOptions } from './processor.js';
export { TELEMETRY_GROUP, CAMERA_GROUP } from './telemetry-consumer.js';
export type { PhaseTiming } from './startup.js';
export { loadProcessorConfig, type ProcessorConfig } from './config.js';
export { PROCESSOR_ERRORS, type ProcessorErrorCode } from './errors.js';
