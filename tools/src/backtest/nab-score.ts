import { parseTimestamp } from '../recording/timestamps.js';

/**
 * Scoring of the Numenta Anomaly Benchmark (NAB), as nab/sweeper.py and nab/runner.py compute
 * it at commit ea702d75 (the commit ../shared/data/nab-dev comes from), for a detector whose
 * detections are alert open times:
 * - the first 15 % of a file's rows (at most 750) are probationary: nothing there is scored;
 * - a detection on row i inside a window of `width` rows ending at row `end` is worth
 *   A_TP × S(−(end − i + 1)/width) / S(−1), where S(y) = 2/(1 + e^{5y}) − 1 is NAB's scaled
 *   sigmoid: A_TP at the window's first row, falling towards 0 at its last; only the best,
 *   which is the earliest, detection of a window counts;
 * - a detection outside every window costs A_FP × S(|prevEnd − i|/(prevWidth − 1)) after a
 *   window (little right after it, approaching −A_FP three widths later), and −A_FP before any
 *   (after a one-row window, where NAB would divide by zero, also −A_FP);
 * - a window with no detection costs −A_FN.
 * Normalised: 100 × (raw − null)/(perfect − null), with null = −A_FN per scored window (the
 * detector that never fires) and perfect = A_TP per labelled window (runner.normalize counts
 * every window of the label file), summed over the files scored together.
 */

export interface NabCostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** config/profiles.json of NAB. */
export const NAB_PROFILES = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
} as const satisfies Record<string, NabCostMatrix>;
export type NabProfileName = keyof typeof NAB_PROFILES;

const PROBATION_PERCENT = 0.15;

/** NAB's scaledSigmoid: 2·sigmoid(−5y) − 1, and −1 beyond three widths past a window. */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** Rows not scored at the start of a file of `rows` rows: floor(15 %), at most 750. */
export function probationaryRows(rows: number): number {
  return Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
}

export type NabWindow = readonly [start: number, end: number];

export interface NabFileInput {
  /** Times of the data file's rows, ascending, epoch ms. */
  timestamps: readonly number[];
  /**
   * When the detector fired (alert open times), epoch ms. Each marks the first row at or after
   * it; several on one row count once, as NAB scores rows.
   */
  detections: readonly number[];
  /** Labelled anomaly windows, inclusive, epoch ms. */
  windows: readonly NabWindow[];
}

export interface NabFileScore {
  /** The raw NAB score of the file. */
  score: number;
  /** What the detector that never fires scores on this file. */
  nullScore: number;
  /** What the detector that fires at the start of every window scores. */
  perfectScore: number;
  /** Windows with at least one detection, and without, among the scored windows. */
  detectedWindows: number;
  missedWindows: number;
  /** Detections outside every window after the probationary period. */
  falsePositives: number;
  probationaryRows: number;
}

/** Index of the first row at or after `time` (timestamps.length when none). */
function firstRowAtOrAfter(timestamps: readonly number[], time: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid] < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Scores one file. Window limits are the labelled timestamps themselves in NAB; a limit that
 * falls between rows is taken as the first row at or after the start and the last row at or
 * before the end.
 */
export function scoreNabFile(input: NabFileInput, costs: NabCostMatrix = NAB_PROFILES.standard): NabFileScore {
  const { timestamps } = input;
  const rows = timestamps.length;
  const probation = probationaryRows(rows);
  const maxTp = scaledSigmoid(-1);

  const windows = [...input.windows]
    .sort((a, b) => a[0] - b[0])
    .map(([start, end]) => ({ first: firstRowAtOrAfter(timestamps, start), last: firstRowAtOrAfter(timestamps, end + 1) - 1 }))
    .filter((w) => w.first <= w.last);

  const detectedRows = new Set<number>();
  for (const time of input.detections) {
    const row = firstRowAtOrAfter(timestamps, time);
    if (row < rows) detectedRows.add(row);
  }
  const sortedRows = [...detectedRows].sort((a, b) => a - b);

  let score = 0;
  let falsePositives = 0;
  let scoredWindows = 0;
  let detectedWindows = 0;
  for (const w of windows) {
    if (w.last < probation) continue;
    scoredWindows++;
    const width = w.last - w.first + 1;
    const earliest = sortedRows.find((row) => row >= Math.max(w.first, probation) && row <= w.last);
    if (earliest === undefined) {
      score -= costs.fnWeight;
      continue;
    }
    detectedWindows++;
    score += (scaledSigmoid(-(w.last - earliest + 1) / width) * costs.tpWeight) / maxTp;
  }
  for (const row of sortedRows) {
    if (row < probation || windows.some((w) => row >= w.first && row <= w.last)) continue;
    falsePositives++;
    let previous: { first: number; last: number } | undefined;
    for (const w of windows) if (w.last < row) previous = w;
    const position = previous ? Math.abs(previous.last - row) / (previous.last - previous.first) : Infinity;
    score += scaledSigmoid(position) * costs.fpWeight;
  }

  return {
    score,
    nullScore: -costs.fnWeight * scoredWindows,
    perfectScore: costs.tpWeight * input.windows.length,
    detectedWindows,
    missedWindows: scoredWindows - detectedWindows,
    falsePositives,
    probationaryRows: probation,
  };
}

/** NAB's normalised score of files scored together: 100 × (Σraw − Σnull)/(Σperfect − Σnull). */
export function normalisedNabScore(files: readonly NabFileScore[]): number {
  let raw = 0;
  let nullScore = 0;
  let perfect = 0;
  for (const file of files) {
    raw += file.score;
    nullScore += file.nullScore;
    perfect += file.perfectScore;
  }
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/**
 * The windows of NAB's labels/combined_windows.json, by data file ("realKnownCause/nyc_taxi.csv"),
 * as epoch ms; NAB's zone-less times are read as UTC, as the CSV recordings are.
 */
export function parseNabWindows(json: unknown): Map<string, NabWindow[]> {
  const windows = new Map<string, NabWindow[]>();
  if (typeof json !== 'object' || json === null) throw new TypeError('NAB windows must be an object of file → [[start, end], …]');
  for (const [file, list] of Object.entries(json)) {
    if (!Array.isArray(list)) throw new TypeError(`NAB windows of "${file}" must be a list of [start, end]`);
    windows.set(
      file,
      list.map((pair, index) => {
        const [start, end] = Array.isArray(pair) && pair.length === 2 ? pair.map((t) => parseTimestamp(String(t))) : [NaN, NaN];
        if (Number.isNaN(start) || Number.isNaN(end)) throw new TypeError(`NAB window ${index} of "${file}" is not a pair of "YYYY-MM-DD HH:MM:SS" times`);
        return [start, end] as const;
      }),
    );
  }
  return windows;
}
