import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Reading } from '../../../contracts/src/index.js';
import { runCommand, startProgress } from '../../../platform/src/index.js';
import { requireDirectory, requireFile, writeOutput } from '../cli-files.js';
import { toolError } from '../errors.js';
import { readCsvReadings } from '../recording/index.js';
import { genericAnomalyRuleSet } from '../../../rule-core/src/index.js';
import { runBacktest } from './backtest.js';
import { NAB_PROFILES, normalisedNabScore, parseNabWindows, scoreNabFile, type NabFileScore, type NabProfileName, type NabWindow } from './nab-score.js';

/**
 * `npm run eval:nab`: backtests the shipped generic anomaly rules (rule-core's default-rules/generic.ts)
 * over every series of the NAB subset in ../shared/data/nab-dev, with the same parameters for
 * every series, and scores the alert opening times the NAB way (nab-score.ts). Each series is
 * read as the `waterLevel` of one reservoir station: a metric whose physical range (−50 to
 * 3000) holds every NAB value, so no value is dropped as out of range. Prints the normalised
 * scores per category and overall for the three profiles, and writes them as JSON
 * (.data/nab-scores.json unless --out says otherwise; --out tools/bench/nab-scores.json updates
 * the recorded results; --data points elsewhere).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CATEGORIES = ['artificialWithAnomaly', 'realKnownCause'] as const;
const METRIC = 'waterLevel';
const WINDOWS_FILE = 'labels/combined_windows.json';

interface SeriesResult {
  file: string;
  rows: number;
  alerts: number;
  scores: Record<NabProfileName, NabFileScore>;
}

async function evaluateSeries(dataDir: string, file: string, windows: Map<string, readonly (readonly [number, number])[]>): Promise<SeriesResult> {
  const readings: Reading[] = [];
  const deviceId = basename(file, '.csv').replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64);
  for await (const reading of readCsvReadings(join(dataDir, 'data', file), { deviceId, kind: 'reservoir-station', ward: 'NAB', metric: METRIC })) readings.push(reading);
  const report = await runBacktest(genericAnomalyRuleSet(METRIC), readings);
  const timestamps = readings.map((reading) => reading.ts);
  const detections = report.alerts.map((alert) => alert.openedAt);
  const fileWindows = windows.get(file) ?? [];
  const scores = Object.fromEntries(
    (Object.keys(NAB_PROFILES) as NabProfileName[]).map((profile) => [profile, scoreNabFile({ timestamps, detections, windows: fileWindows }, NAB_PROFILES[profile])]),
  ) as Record<NabProfileName, NabFileScore>;
  return { file, rows: readings.length, alerts: report.alerts.length, scores };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function readWindows(dataDir: string): Promise<Map<string, NabWindow[]>> {
  const file = join(dataDir, WINDOWS_FILE);
  try {
    return parseNabWindows(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw toolError('IOC_EVAL_NAB_OPTIONS', [`--data: ${file} does not hold NAB's labelled windows (${(error as Error).message})`], { cause: error });
  }
}

/** `onSeries` hears of each series as it is done: how many so far and which. */
export async function evaluateNab(dataDir: string, onSeries: (done: number, file: string) => void = () => undefined) {
  const windows = await readWindows(dataDir);
  const series: SeriesResult[] = [];
  for (const category of CATEGORIES) {
    const files = (await readdir(join(dataDir, 'data', category))).filter((name) => name.endsWith('.csv')).sort();
    for (const name of files) {
      series.push(await evaluateSeries(dataDir, `${category}/${name}`, windows));
      onSeries(series.length, `${category}/${name}`);
    }
  }
  const profiles = Object.keys(NAB_PROFILES) as NabProfileName[];
  const scoreOf = (selected: SeriesResult[]) => Object.fromEntries(profiles.map((profile) => [profile, round(normalisedNabScore(selected.map((s) => s.scores[profile])))]));
  return {
    rules: genericAnomalyRuleSet(METRIC).rules,
    categories: Object.fromEntries(CATEGORIES.map((category) => [category, scoreOf(series.filter((s) => s.file.startsWith(`${category}/`)))])),
    overall: scoreOf(series),
    series: series.map((s) => ({
      file: s.file,
      rows: s.rows,
      alerts: s.alerts,
      standard: { raw: round(s.scores.standard.score * 1000) / 1000, detectedWindows: s.scores.standard.detectedWindows, missedWindows: s.scores.standard.missedWindows, falsePositives: s.scores.standard.falsePositives },
    })),
  };
}

const DEFAULT_OUT = '.data/nab-scores.json';
const RECORDED_OUT = 'tools/bench/nab-scores.json';

const USAGE = `Scores the shipped generic anomaly rules on the NAB subset with NAB's method: every series is
backtested with the same rules, and the alert opening times are scored against the labelled windows.

Usage:
  npm run eval:nab [-- options]

Options:
  --data DIR    the NAB subset: data/<category>/*.csv and labels/combined_windows.json
                (default: ../shared/data/nab-dev beside the repository)
  --out FILE    where the scores go as JSON (default: ${DEFAULT_OUT}, untracked);
                --out ${RECORDED_OUT} updates the recorded results that BENCHMARKS.md cites
  --help        this text

The scores per category and overall go to stdout, progress to stderr when it is a terminal.
Exit code 0 when the scores are written, 2 when an option or the data is wrong, 1 when the run fails.`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { data: { type: 'string', default: resolve(ROOT, '../shared/data/nab-dev') }, out: { type: 'string', default: DEFAULT_OUT }, help: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw toolError('IOC_EVAL_NAB_OPTIONS', [(error as Error).message.replace(/\. To specify a positional.*$/s, '')]);
  }
}

/** What the summary on stdout says. */
function summaryText(result: Awaited<ReturnType<typeof evaluateNab>>, out: string): string {
  const lines = [
    `NAB subset (${result.series.length} series), generic anomaly rules, normalised scores (standard / reward_low_FP_rate / reward_low_FN_rate):`,
    ...Object.entries({ ...result.categories, overall: result.overall }).map(
      ([name, score]) => `  ${name.padEnd(22)} ${String(score.standard).padStart(6)} ${String(score.reward_low_FP_rate).padStart(6)} ${String(score.reward_low_FN_rate).padStart(6)}`,
    ),
    ...result.series.map((s) => `    ${s.file.padEnd(58)} alerts ${String(s.alerts).padStart(3)}  windows hit ${s.standard.detectedWindows}/${s.standard.detectedWindows + s.standard.missedWindows}  false positives ${s.standard.falsePositives}`),
    `written to ${out}`,
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
  await requireDirectory(values.data, '--data', 'IOC_EVAL_NAB_OPTIONS');
  await requireFile(join(values.data, WINDOWS_FILE), '--data', 'IOC_EVAL_NAB_OPTIONS');
  for (const category of CATEGORIES) await requireDirectory(join(values.data, 'data', category), '--data', 'IOC_EVAL_NAB_OPTIONS');
  const progress = startProgress({ unit: 'series' });
  const result = await evaluateNab(values.data, (done, file) => progress.update(done, file));
  progress.finish();
  await writeOutput(values.out, `${JSON.stringify(result, null, 2)}\n`);
  stdout.write(summaryText(result, values.out));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCommand(() => main(process.argv.slice(2)));
}
