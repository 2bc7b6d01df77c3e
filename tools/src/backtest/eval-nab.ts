import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Reading } from '../../../contracts/src/index.js';
import { readCsvReadings } from '../recording/index.js';
import { genericAnomalyRuleSet } from '../../../rule-core/src/index.js';
import { runBacktest } from './backtest.js';
import { NAB_PROFILES, normalisedNabScore, parseNabWindows, scoreNabFile, type NabFileScore, type NabProfileName } from './nab-score.js';

/**
 * `npm run eval:nab`: backtests the shipped generic anomaly rules (rules/defaults/generic.ts)
 * over every series of the NAB subset in ../shared/data/nab-dev, with the same parameters for
 * every series, and scores the alert opening times the NAB way (nab-score.ts). Each series is
 * read as the `waterLevel` of one reservoir station: a metric whose physical range (−50 to
 * 3000) holds every NAB value, so no value is dropped as out of range. Prints the normalised
 * scores per category and overall for the three profiles, and writes them as JSON
 * (tools/bench/nab-scores.json unless --out says otherwise; --data points elsewhere).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CATEGORIES = ['artificialWithAnomaly', 'realKnownCause'] as const;
const METRIC = 'waterLevel';

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

export async function evaluateNab(dataDir: string) {
  const windows = parseNabWindows(JSON.parse(await readFile(join(dataDir, 'labels', 'combined_windows.json'), 'utf8')));
  const series: SeriesResult[] = [];
  for (const category of CATEGORIES) {
    const files = (await readdir(join(dataDir, 'data', category))).filter((name) => name.endsWith('.csv')).sort();
    for (const name of files) series.push(await evaluateSeries(dataDir, `${category}/${name}`, windows));
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

async function main() {
  const { values } = parseArgs({ options: { data: { type: 'string', default: resolve(ROOT, '../shared/data/nab-dev') }, out: { type: 'string', default: resolve(ROOT, 'tools/bench/nab-scores.json') } } });
  const result = await evaluateNab(values.data);
  const lines = [
    `NAB subset (${result.series.length} series), generic anomaly rules, normalised scores (standard / reward_low_FP_rate / reward_low_FN_rate):`,
    ...Object.entries({ ...result.categories, overall: result.overall }).map(
      ([name, score]) => `  ${name.padEnd(22)} ${String(score.standard).padStart(6)} ${String(score.reward_low_FP_rate).padStart(6)} ${String(score.reward_low_FN_rate).padStart(6)}`,
    ),
    ...result.series.map((s) => `    ${s.file.padEnd(58)} alerts ${String(s.alerts).padStart(3)}  windows hit ${s.standard.detectedWindows}/${s.standard.detectedWindows + s.standard.missedWindows}  false positives ${s.standard.falsePositives}`),
    `written to ${values.out}`,
  ];
  await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  });
}
