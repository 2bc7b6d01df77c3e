import { toolError } from '../errors.js';
import { z } from 'zod';
import { DOMAIN_OF_KIND, DeviceKindSchema, DomainSchema, IdentifierSchema, MetricNameSchema, type Reading } from '../../../contracts/src/index.js';
import { summarizeIssues } from '../../../platform/src/index.js';
import { readLines, sourceName, type RecordingSource } from './lines.js';
import { parseTimestamp, timezoneOffsetMinutes } from './timestamps.js';

/**
 * How to turn a CSV time series into readings: which device, place and metric the values
 * belong to, and which columns hold the time and the value. NAB files need only the device
 * options (columns `timestamp,value`, zone-less times read as UTC); the Hanoi PM2.5 recording
 * reads with `timeColumn: 'timestamp_utc', valueColumn: 'raw_conc_ugm3'`.
 */
export const CsvRecordingOptionsSchema = z
  .strictObject({
    deviceId: IdentifierSchema,
    kind: DeviceKindSchema,
    /** Defaults to the kind's domain. */
    domain: DomainSchema.optional(),
    /** Defaults to the device id. */
    siteId: IdentifierSchema.optional(),
    ward: z.string().min(1),
    metric: MetricNameSchema,
    /** Zone of timestamps that carry none: "UTC", "Asia/Ho_Chi_Minh" or "+07:00". */
    timezone: z.string().default('UTC'),
    timeColumn: z.string().min(1).default('timestamp'),
    valueColumn: z.string().min(1).default('value'),
  })
  .superRefine((options, ctx) => {
    if (options.domain !== undefined && options.domain !== DOMAIN_OF_KIND[options.kind]) {
      ctx.addIssue({ code: 'custom', path: ['domain'], message: `kind "${options.kind}" belongs to domain "${DOMAIN_OF_KIND[options.kind]}"` });
    }
    if (timezoneOffsetMinutes(options.timezone) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'use "UTC", "Asia/Ho_Chi_Minh" or an offset such as "+07:00"' });
    }
  });
export type CsvRecordingOptions = z.input<typeof CsvRecordingOptionsSchema>;

/** Splits one CSV line; fields may be quoted, with "" for a quote inside. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Readings from a CSV time series with a header row. Each data row becomes one reading of one
 * metric with `seq` = its row index (0 for the first data row), so skipped rows leave gaps as
 * lost messages would; `receivedAt` = `ts`. A row with an empty value is a missing measurement
 * and is skipped. A time or value that cannot be read stops with IOC_RECORDING_INVALID and
 * the line number.
 */
export async function* readCsvReadings(source: RecordingSource, input: CsvRecordingOptions): AsyncGenerator<Reading> {
  const parsed = CsvRecordingOptionsSchema.safeParse(input);
  if (!parsed.success) throw toolError('IOC_RECORDING_OPTIONS', [summarizeIssues(parsed.error.issues)], { details: parsed.error.issues });
  const options = parsed.data;
  const offset = timezoneOffsetMinutes(options.timezone)!;
  const name = sourceName(source);
  const place = {
    deviceId: options.deviceId,
    domain: options.domain ?? DOMAIN_OF_KIND[options.kind],
    kind: options.kind,
    siteId: options.siteId ?? options.deviceId,
    ward: options.ward,
  };

  let lineNumber = 0;
  let timeIndex = -1;
  let valueIndex = -1;
  for await (const line of readLines(source)) {
    lineNumber++;
    if (lineNumber === 1) {
      const header = splitCsvLine(line).map((h) => h.trim());
      timeIndex = header.indexOf(options.timeColumn);
      valueIndex = header.indexOf(options.valueColumn);
      for (const [column, index] of [[options.timeColumn, timeIndex], [options.valueColumn, valueIndex]] as const) {
        if (index < 0) throw toolError('IOC_RECORDING_INVALID', [name, '1', `no column "${column}" in the header (columns: ${header.join(', ')})`]);
      }
      continue;
    }
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    const seq = lineNumber - 2;
    const valueText = (fields[valueIndex] ?? '').trim();
    if (valueText === '') continue;
    const value = Number(valueText);
    if (!Number.isFinite(value)) {
      throw toolError('IOC_RECORDING_INVALID', [name, String(lineNumber), `value "${valueText}" in column "${options.valueColumn}" is not a number`]);
    }
    const timeText = fields[timeIndex] ?? '';
    const ts = parseTimestamp(timeText, offset);
    if (Number.isNaN(ts)) {
      throw toolError('IOC_RECORDING_INVALID', [name, String(lineNumber), `time "${timeText}" in column "${options.timeColumn}" is not "YYYY-MM-DD HH:MM:SS" with an optional zone`]);
    }
    yield { ...place, ts, seq, receivedAt: ts, metrics: { [options.metric]: value } };
  }
}
