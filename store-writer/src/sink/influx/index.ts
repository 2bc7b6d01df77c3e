export { InfluxSink, type InfluxSinkOptions, type InfluxSinkStats } from './influx-sink.js';
export { InfluxConfigSchema, influxSinkOptions, type InfluxConfig } from './config.js';
export { alertLine, readingLine } from './line-protocol.js';
