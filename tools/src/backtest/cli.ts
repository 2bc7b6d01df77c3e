import { toolError } from '../errors.js';
import { requireFile, writeOutput } from '../cli-files.js';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RuleSetSchema, type RuleSet } from '../../../contracts/src/index.js';
import { runCommand, startProgress, summarizeIssues } from '../../../platform/src/index.js';
import { CSV_FLAGS, CSV_FLAGS_USAGE, csvRecordingOptionsFromFlags, readRecording, recordingFormatOf, type RecordingFormat } from '../recording/index.js';
import { defaultRuleSet } from '../../../rule-core/src/index.js';
import { runBacktest, type BacktestReport } from './backtest.js';

const DEFAULT_OUT = '.data/backtest-report.json';

const USAGE = `Runs a rule set over a recording offline, with the processor's rule engine, and writes
every alert it would have raised as JSON.

Usage:
  npm run backtest -- --rules FILE|defaults --input FILE [options]

Options:
  --rules FILE|defaults  a rule set as JSON (or a JSON list of rules), or "defaults" for the shipped rules
  --input FILE           the recording: NDJSON of canonical readings, or a CSV time series
  --format csv|ndjson    the recording's format (default: csv for *.csv, ndjson otherwise)
  --out FILE             where the JSON report goes (default: ${DEFAULT_OUT}, untracked)
  --tick-seconds N       how often, in recording time, timer rules such as missing data run (default 60)
${CSV_FLAGS_USAGE}
  --help                 this text

The same recording and rules always give byte-identical reports. The summary goes to stdout,
progress to stderr when it is a terminal. Exit code 0 when the report is written, 2 when an
option or an input file is wrong, 1 when the run fails.`;

const OPTIONS = {
  rules: { type: 'string' },
  input: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string', default: DEFAULT_OUT },
  'tick-seconds': { type: 'string', default: '60' },
  ...CSV_FLAGS,
  help: { type: 'boolean', default: false },
} as const;

/** A rule set file (a RuleSet, or a bare list of rules), or the shipped defaults. */
export async function loadRules(rules: string): Promise<RuleSet> {
  if (rules === 'defaults') return defaultRuleSet();
  await requireFile(rules, '--rules', 'IOC_BACKTEST_OPTIONS');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(rules, 'utf8'));
  } catch (error) {
    throw toolError('IOC_RULE_FILE_INVALID', [rules, (error as Error).message], { cause: error });
  }
  const candidate = Array.isArray(json) ? { id: basename(rules).replace(/\.json$/i, '').replace(/[^A-Za-z0-9_.-]/g, '-') || 'rules', version: 1, rules: json } : json;
  const parsed = RuleSetSchema.safeParse(candidate);
  if (!parsed.success) throw toolError('IOC_RULE_FILE_INVALID', [rules, summarizeIssues(parsed.error.issues)], { details: parsed.error.issues });
  return parsed.data;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw toolError('IOC_BACKTEST_OPTIONS', [(error as Error).message.replace(/\. To specify a positional.*$/s, '')]);
  }
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
  if (values.rules === undefined || values.input === undefined) throw toolError('IOC_BACKTEST_OPTIONS', ['--rules and --input are required']);
  const format = (values.format ?? recordingFormatOf(values.input)) as RecordingFormat;
  if (format !== 'csv' && format !== 'ndjson') throw toolError('IOC_BACKTEST_OPTIONS', [`--format must be csv or ndjson, not "${format}"`]);
  const tickSeconds = Number(values['tick-seconds']);
  if (!(tickSeconds > 0)) throw toolError('IOC_BACKTEST_OPTIONS', [`--tick-seconds must be a positive number, not "${values['tick-seconds']}"`]);
  const ruleSet = await loadRules(values.rules);
  await requireFile(values.input, '--input', 'IOC_BACKTEST_OPTIONS');
  const readings = readRecording(values.input, format, format === 'csv' ? csvRecordingOptionsFromFlags(values, values.input, 'IOC_BACKTEST_OPTIONS') : undefined);
  const progress = startProgress({ unit: 'readings' });
  const report = await runBacktest(ruleSet, readings, { tickSeconds, onProgress: (count) => progress.update(count) });
  progress.finish();
  await writeOutput(values.out, reportJson(report));
  stdout.write(summaryText(report, values.out));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCommand(() => main(process.argv.slice(2)));
}
