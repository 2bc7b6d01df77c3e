export * from './timestamps.js';
export * from './lines.js';
export * from './ndjson.js';
export * from './csv.js';
export * from './csv-flags.js';
export * from './read-recording.js';
