import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DOMAIN_OF_KIND, METRICS, RuleSetSchema, type DeviceKind, type MetricName, type RuleSet } from '../../../contracts/src/index.js';
import { IocError, iocError, summarizeIssues } from '../../../platform/src/errors.js';
import { readRecording, recordingFormatOf, type CsvRecordingOptions, type RecordingFormat } from '../recording/index.js';
import { defaultRuleSet } from '../rules/defaults/index.js';
import { runBacktest, type BacktestReport } from './backtest.js';

const USAGE = `Runs a rule set over a recording offline, with the processor's rule engine, and writes
every alert it would have raised as JSON.

Usage:
  npm run backtest -- --rules FILE|defaults --input FILE [options]

Options:
  --rules FILE|defaults  a rule set as JSON (or a JSON list of rules), or "defaults" for the shipped rules
  --input FILE           the recording: NDJSON of canonical readings, or a CSV time series
  --format csv|ndjson    the recording's format (default: csv for *.csv, ndjson otherwise)
  --out FILE             where the JSON report goes (default: backtest-report.json)
  --tick-seconds N       how often, in recording time, timer rules such as missing data run (default 60)
CSV only (each row becomes one reading of one metric):
  --metric M             the metric the values are, e.g. pm25, waterLevel (required)
  --kind K               the device kind (default: the first kind of the metric's domain)
  --domain D             the domain, checked against the kind
  --device ID            the device id (default: the file name)
  --site S               the station or site (default: the device id)
  --ward W               the ward or commune (default: "unspecified")
  --timezone TZ          zone of times without one: UTC, Asia/Ho_Chi_Minh or +07:00 (default UTC)
  --time-column C        the time column (default: timestamp)
  --value-column C       the value column (default: value)
  --help                 this text

The same recording and rules always give byte-identical reports. The summary goes to stdout,
progress to stderr when it is a terminal.`;

const OPTIONS = {
  rules: { type: 'string' },
  input: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string', default: 'backtest-report.json' },
  'tick-seconds': { type: 'string', default: '60' },
  metric: { type: 'string' },
  kind: { type: 'string' },
  domain: { type: 'string' },
  device: { type: 'string' },
  site: { type: 'string' },
  ward: { type: 'string', default: 'unspecified' },
  timezone: { type: 'string', default: 'UTC' },
  'time-column': { type: 'string', default: 'timestamp' },
  'value-column': { type: 'string', default: 'value' },
  help: { type: 'boolean', default: false },
} as const;

/** A rule set file (a RuleSet, or a bare list of rules), or the shipped defaults. */
export async function loadRules(rules: string): Promise<RuleSet> {
  if (rules === 'defaults') return defaultRuleSet();
  let json: unknown;
  try {
    json = JSON.parse(await readFile(rules, 'utf8'));
  } catch (error) {
    throw iocError('IOC_RULE_FILE_INVALID', [rules, (error as Error).message]);
  }
  const candidate = Array.isArray(json) ? { id: basename(rules).replace(/\.json$/i, '').replace(/[^A-Za-z0-9_.-]/g, '-') || 'rules', version: 1, rules: json } : json;
  const parsed = RuleSetSchema.safeParse(candidate);
  if (!parsed.success) throw iocError('IOC_RULE_FILE_INVALID', [rules, summarizeIssues(parsed.error.issues)], parsed.error.issues);
  return parsed.data;
}

function csvOptions(values: ReturnType<typeof parse>, input: string): CsvRecordingOptions {
  if (values.metric === undefined) throw iocError('IOC_BACKTEST_OPTIONS', ['a CSV recording needs --metric naming what its values are']);
  const device = values.device ?? basename(input).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-');
  return {
    deviceId: device,
    kind: (values.kind ?? defaultKindOf(values.metric)) as CsvRecordingOptions['kind'],
    ...(values.domain === undefined ? {} : { domain: values.domain as CsvRecordingOptions['domain'] }),
    ...(values.site === undefined ? {} : { siteId: values.site }),
    ward: values.ward,
    metric: values.metric as CsvRecordingOptions['metric'],
    timezone: values.timezone,
    timeColumn: values['time-column'],
    valueColumn: values['value-column'],
  };
}

/** The kind a CSV recording's device has when --kind is not given: the first of its metric's domain. */
function defaultKindOf(metric: string): string {
  const domain = METRICS[metric as MetricName]?.domain;
  return domain === undefined ? 'unknown' : (Object.keys(DOMAIN_OF_KIND) as DeviceKind[]).find((kind) => DOMAIN_OF_KIND[kind] === domain)!;
}


function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw iocError('IOC_BACKTEST_OPTIONS', [(error as Error).message]);
  }
}

/** A line of progress on a terminal, rewritten in place. */
function progressLine(started: number) {
  return (readings: number) => {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`\r${readings.toLocaleString('en')} readings, ${Math.round(readings / seconds).toLocaleString('en')}/s`);
  };
}

/** The report as written: two-space JSON, ending in a newline. */
export function reportJson(report: BacktestReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** What the summary on stdout says. */
export function summaryText(report: BacktestReport, out: string): string {
  const s = report.summary;
  const period = s.firstReadingAt === null ? 'no readings' : `${new Date(s.firstReadingAt).toISOString()} – ${new Date(s.lastReadingAt!).toISOString()}`;
  const lines = [
    `rule set ${report.ruleSet.id} v${report.ruleSet.version}: ${s.readings.toLocaleString('en')} readings (${s.derivedReadings.toLocaleString('en')} derived) from ${s.devices} devices, ${period}`,
    `${s.alerts} alerts (${s.bySeverity.critical} critical, ${s.bySeverity.warning} warning), ${s.openAtEnd} still open at the end`,
    ...Object.entries(s.byRule).map(([rule, count]) => `  ${rule}: ${count}`),
    `report: ${out}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs the CLI with `argv` (without node and the script); the summary and --help go to `stdout`. */
export async function main(argv: string[], stdout: { write(text: string): unknown } = process.stdout): Promise<void> {
  const values = parse(argv);
  if (values.help) {
    stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.rules === undefined || values.input === undefined) throw iocError('IOC_BACKTEST_OPTIONS', ['--rules and --input are required']);
  const format = (values.format ?? recordingFormatOf(values.input)) as RecordingFormat;
  if (format !== 'csv' && format !== 'ndjson') throw iocError('IOC_BACKTEST_OPTIONS', [`--format must be csv or ndjson, not "${format}"`]);
  const tickSeconds = Number(values['tick-seconds']);
  if (!(tickSeconds > 0)) throw iocError('IOC_BACKTEST_OPTIONS', [`--tick-seconds must be a positive number, not "${values['tick-seconds']}"`]);
  const ruleSet = await loadRules(values.rules);
  const readings = readRecording(values.input, format, format === 'csv' ? csvOptions(values, values.input) : undefined);
  const started = performance.now();
  const report = await runBacktest(ruleSet, readings, { tickSeconds, ...(process.stderr.isTTY ? { onProgress: progressLine(started) } : {}) });
  if (process.stderr.isTTY) process.stderr.write('\n');
  await writeFile(values.out, reportJson(report));
  stdout.write(summaryText(report, values.out));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof IocError ? `${error.code}: ${error.message}` : (error as Error).stack}\n`);
    process.exitCode = 1;
  });
}
