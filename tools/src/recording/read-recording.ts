import { toolError } from '../errors.js';
import type { Reading } from '../../../contracts/src/index.js';
import { readCsvReadings, type CsvRecordingOptions } from './csv.js';
import type { RecordingSource } from './lines.js';
import { readNdjsonReadings } from './ndjson.js';

export type RecordingFormat = 'ndjson' | 'csv';

/** The format a file name suggests: .csv is CSV, anything else the project's NDJSON. */
export function recordingFormatOf(path: string): RecordingFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';
}

/** Readings of a recording in either format; CSV needs the options naming device and metric. */
export function readRecording(source: RecordingSource, format: RecordingFormat, csv?: CsvRecordingOptions): AsyncGenerator<Reading> {
  if (format === 'ndjson') return readNdjsonReadings(source);
  if (!csv) throw toolError('IOC_RECORDING_OPTIONS', ['a CSV recording needs deviceId, kind, ward and metric to make readings of its rows']);
  return readCsvReadings(source, csv);
}
