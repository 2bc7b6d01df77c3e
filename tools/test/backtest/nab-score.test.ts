import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, normalisedNabScore, type NabCostMatrix, parseNabWindows, probationaryRows, scaledSigmoid, scoreNabFile } from '../../src/backtest/nab-score.js';
import { parseTimestamp } from '../../src/recording/timestamps.js';
import { SHARED_DATA } from '../../../test-support/shared-data.js';

const NAB = `${SHARED_DATA}/nab-dev`;
const STEP = 5 * 60_000;
const T0 = Date.UTC(2014, 3, 1);

/** 1000 rows five minutes apart (150 probationary) with one window on rows 500–509. */
const timestamps = Array.from({ length: 1000 }, (_, i) => T0 + i * STEP);
const row = (i: number) => T0 + i * STEP;
const windows = [[row(500), row(509)]] as const;
const score = (detectedRows: number[], profile: NabCostMatrix = NAB_PROFILES.standard) => scoreNabFile({ timestamps, detections: detectedRows.map(row), windows }, profile);

/** S(y) written out by hand, to check the formula rather than the code against itself. */
const S = (y: number) => 2 / (1 + Math.exp(5 * y)) - 1;

describe('NAB scaled sigmoid', () => {
  it('has the values NAB documents', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });
});

describe('NAB file score', () => {
  it('does not score the first 15 % of rows, at most 750', () => {
    expect(probationaryRows(1000)).toBe(150);
    expect(probationaryRows(22_695)).toBe(750);
  });

  it('a perfect detector scores A_TP per window and normalises to 100', () => {
    const perfect = score([500]);
    expect(perfect.score).toBeCloseTo(1, 12);
    expect(perfect).toMatchObject({ nullScore: -1, perfectScore: 1, detectedWindows: 1, missedWindows: 0, falsePositives: 0 });
    expect(normalisedNabScore([perfect])).toBeCloseTo(100, 10);
  });

  it('the null detector loses A_FN per window and normalises to 0', () => {
    const none = score([]);
    expect(none.score).toBe(-1);
    expect(none.missedWindows).toBe(1);
    expect(normalisedNabScore([none])).toBe(0);
  });

  it('a false positive before any window costs exactly A_FP (0.11)', () => {
    const result = score([200, 500]);
    expect(result.score).toBeCloseTo(1 - 0.11, 12);
    expect(result.falsePositives).toBe(1);
    expect(normalisedNabScore([result])).toBeCloseTo((100 * (0.89 + 1)) / 2, 10);
    expect(score([200, 500], NAB_PROFILES.reward_low_FP_rate).score).toBeCloseTo(1 - 0.22, 12);
  });

  it('a false positive right after a window costs little, three widths later the full A_FP', () => {
    // One row past a 10-row window: position 1/9.
    expect(score([500, 510]).score).toBeCloseTo(1 + 0.11 * S(1 / 9), 12);
    expect(0.11 * S(1 / 9)).toBeCloseTo(-0.02979, 5);
    expect(score([500, 600]).score).toBeCloseTo(1 - 0.11, 12);
  });

  it('counts only the earliest detection of a window, worth more the earlier it comes', () => {
    expect(score([505, 502]).score).toBeCloseTo(S(-0.8) / S(-1), 12);
    expect(score([502]).score).toBeCloseTo(0.97711, 5);
    expect(score([509]).score).toBeCloseTo(S(-0.1) / S(-1), 12);
    expect(score([509]).score).toBeCloseTo(0.24824, 5);
  });

  it('ignores detections in the probationary period', () => {
    expect(score([100])).toMatchObject({ score: -1, falsePositives: 0 });
  });

  it('counts a row once however many alerts opened on it, and maps a time between rows to the next row', () => {
    expect(score([500, 500, 500]).score).toBeCloseTo(1, 12);
    const between = scoreNabFile({ timestamps, detections: [row(499) + 1], windows });
    expect(between.score).toBeCloseTo(1, 12);
  });

  it('costs a missed window A_FN of the profile', () => {
    expect(score([], NAB_PROFILES.reward_low_FN_rate).score).toBe(-2);
  });

  it('does not score a window inside the probationary period, yet counts it as perfect (as NAB runner does)', () => {
    const early = scoreNabFile({ timestamps, detections: [], windows: [[row(50), row(59)]] });
    expect(early).toMatchObject({ score: 0, nullScore: -0, perfectScore: 1 });
  });

  it('normalises over all files scored together, not file by file', () => {
    const files = [score([500]), score([])];
    expect(normalisedNabScore(files)).toBeCloseTo((100 * (1 - 1 - -2)) / (2 - -2), 10);
  });
});

describe('NAB labels', () => {
  const labels = parseNabWindows(JSON.parse(readFileSync(`${NAB}/labels/combined_windows.json`, 'utf8')));

  it('reads every labelled file of the dev subset, with zone-less times as UTC', () => {
    const dataFiles = readdirSync(`${NAB}/data`, { recursive: true }).filter((name) => String(name).endsWith('.csv'));
    expect(labels.size).toBe(dataFiles.length);
    expect(labels.get('artificialWithAnomaly/art_daily_jumpsup.csv')).toEqual([[Date.UTC(2014, 3, 10, 16, 15), Date.UTC(2014, 3, 12, 1, 45)]]);
  });

  it('places every window limit on a row of its data file', () => {
    for (const category of readdirSync(`${NAB}/data`)) {
      for (const file of readdirSync(`${NAB}/data/${category}`)) {
        const rows = new Set(
          readFileSync(`${NAB}/data/${category}/${file}`, 'utf8')
            .split('\n')
            .slice(1)
            .filter(Boolean)
            .map((line) => parseTimestamp(line.slice(0, line.indexOf(',')))),
        );
        for (const [start, end] of labels.get(`${category}/${file}`) ?? []) {
          expect(rows.has(start) && rows.has(end)).toBe(true);
        }
      }
    }
  });

  it('refuses labels that are not pairs of times', () => {
    expect(() => parseNabWindows({ 'a.csv': [['2014-01-01 00:00:00']] })).toThrow(/window 0 of "a.csv"/);
  });
});
