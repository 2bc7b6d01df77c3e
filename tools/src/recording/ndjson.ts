import { toolError } from '../errors.js';
import { ReadingSchema, type Reading } from '../../../contracts/src/index.js';
import { summarizeIssues } from '../../../platform/src/index.js';
import { readLines, sourceName, type RecordingSource } from './lines.js';

/**
 * The project's recording format: NDJSON, one canonical Reading per line, as ingest puts them
 * on the bus. Blank lines are skipped; a line that is not a valid reading stops the reading
 * with IOC_RECORDING_INVALID naming its line number and the field at fault.
 */
export async function* readNdjsonReadings(source: RecordingSource): AsyncGenerator<Reading> {
  let lineNumber = 0;
  for await (const line of readLines(source)) {
    lineNumber++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw toolError('IOC_RECORDING_INVALID', [sourceName(source), String(lineNumber), `not JSON (${(error as Error).message})`], { cause: error });
    }
    const parsed = ReadingSchema.safeParse(json);
    if (!parsed.success) {
      throw toolError('IOC_RECORDING_INVALID', [sourceName(source), String(lineNumber), `not a reading: ${summarizeIssues(parsed.error.issues)}`], { details: parsed.error.issues });
    }
    yield parsed.data;
  }
}
