import { basename } from 'node:path';
import { DOMAIN_OF_KIND, METRICS, MetricNameSchema, type DeviceKind, type MetricName } from '../../../contracts/src/index.js';
import { toolError, type ToolErrorCode } from '../errors.js';
import { CsvRecordingOptionsSchema, type CsvRecordingOptions } from './csv.js';

/**
 * The command-line flags that say whose readings a CSV time series holds, shared by every CLI
 * that reads recordings (`npm run backtest`, `npm run replay`) so they read a CSV the same way.
 * For `parseArgs`; spread them into the command's own options.
 */
export const CSV_FLAGS = {
  metric: { type: 'string' },
  kind: { type: 'string' },
  domain: { type: 'string' },
  device: { type: 'string' },
  site: { type: 'string' },
  ward: { type: 'string', default: 'unspecified' },
  timezone: { type: 'string', default: 'UTC' },
  'time-column': { type: 'string', default: 'timestamp' },
  'value-column': { type: 'string', default: 'value' },
} as const;

/** The --help lines of CSV_FLAGS. */
export const CSV_FLAGS_USAGE = `CSV only (each row becomes one reading of one metric):
  --metric M             the metric the values are, e.g. pm25, waterLevel (required)
  --kind K               the device kind (default: the first kind of the metric's domain)
  --domain D             the domain, checked against the kind
  --device ID            the device id (default: the file name)
  --site S               the station or site (default: the device id)
  --ward W               the ward or commune (default: "unspecified")
  --timezone TZ          zone of times without one: UTC, Asia/Ho_Chi_Minh or +07:00 (default UTC)
  --time-column C        the time column (default: timestamp)
  --value-column C       the value column (default: value)`;

export interface CsvFlagValues {
  metric?: string;
  kind?: string;
  domain?: string;
  device?: string;
  site?: string;
  ward: string;
  timezone: string;
  'time-column': string;
  'value-column': string;
}

const FLAG_OF_OPTION: Record<keyof CsvRecordingOptions, string> = {
  deviceId: '--device',
  kind: '--kind',
  domain: '--domain',
  siteId: '--site',
  ward: '--ward',
  metric: '--metric',
  timezone: '--timezone',
  timeColumn: '--time-column',
  valueColumn: '--value-column',
};

/**
 * The CSV reading options the flags give for the recording at `input`, checked before any row is
 * read. A problem throws `code` (the calling command's options error) naming the flag at fault.
 */
export function csvRecordingOptionsFromFlags(flags: CsvFlagValues, input: string, code: ToolErrorCode): CsvRecordingOptions {
  if (flags.metric === undefined) throw toolError(code, ['a CSV recording needs --metric naming what its values are']);
  if (!MetricNameSchema.safeParse(flags.metric).success) throw toolError(code, [`--metric: "${flags.metric}" is not a metric; use one of ${MetricNameSchema.options.join(', ')}`]);
  const options: CsvRecordingOptions = {
    deviceId: flags.device ?? basename(input).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-'),
    kind: (flags.kind ?? defaultKindOf(flags.metric as MetricName)) as CsvRecordingOptions['kind'],
    ...(flags.domain === undefined ? {} : { domain: flags.domain as CsvRecordingOptions['domain'] }),
    ...(flags.site === undefined ? {} : { siteId: flags.site }),
    ward: flags.ward,
    metric: flags.metric as CsvRecordingOptions['metric'],
    timezone: flags.timezone,
    timeColumn: flags['time-column'],
    valueColumn: flags['value-column'],
  };
  const parsed = CsvRecordingOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${FLAG_OF_OPTION[issue.path[0] as keyof CsvRecordingOptions] ?? String(issue.path[0])}: ${issue.message}`);
    throw toolError(code, [problems.join('; ')], { details: parsed.error.issues });
  }
  return options;
}

/** The kind a CSV recording's device has when --kind is not given: the first of its metric's domain. */
function defaultKindOf(metric: MetricName): DeviceKind {
  return (Object.keys(DOMAIN_OF_KIND) as DeviceKind[]).find((kind) => DOMAIN_OF_KIND[kind] === METRICS[metric].domain)!;
}
