import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleSetInput } from '../../../contracts/src/index.js';
import { main } from '../../src/backtest/cli.js';
import type { BacktestReport } from '../../src/backtest/backtest.js';

const RULES: RuleSetInput = {
  id: 'crafted',
  version: 3,
  rules: [
    {
      id: 'level-rising',
      version: 1,
      type: 'rate-of-change',
      domain: 'reservoir',
      name: { vi: 'Mực nước dâng nhanh', en: 'Water level rising fast' },
      metric: 'waterLevel',
      maxRisePerMinute: 0.005,
      windowSeconds: 3600,
    },
    {
      id: 'gauge-silent',
      version: 1,
      type: 'missing-data',
      domain: 'reservoir',
      name: { vi: 'Mất tín hiệu', en: 'Gone quiet' },
      minIntervalSeconds: 600,
      startupGraceSeconds: 600,
    },
  ],
};

/** Five-minute readings: flat for 3 hours, rising 60 cm an hour for an hour, flat, a 2-hour gap, flat again. */
function levels(): Array<[minutes: number, level: number]> {
  const rows: Array<[number, number]> = [];
  for (let m = 0; m < 180; m += 5) rows.push([m, 30]);
  for (let m = 180; m < 240; m += 5) rows.push([m, 30 + ((m - 180) / 60) * 0.6]);
  for (let m = 240; m < 300; m += 5) rows.push([m, 30.6]);
  for (let m = 420; m < 480; m += 5) rows.push([m, 30.6]);
  return rows;
}

let dir: string;
const path = (name: string) => join(dir, name);

async function run(...args: string[]): Promise<{ report: BacktestReport; bytes: string; stdout: string }> {
  const out = path(`report-${Math.random().toString(36).slice(2)}.json`);
  const written: string[] = [];
  await main([...args, '--out', out], { write: (text: string) => written.push(text) });
  const bytes = await readFile(out, 'utf8');
  return { report: JSON.parse(bytes) as BacktestReport, bytes, stdout: written.join('') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backtest-'));
  await writeFile(path('rules.json'), JSON.stringify(RULES));
  const csv = ['timestamp,value', ...levels().map(([m, level]) => `${new Date(Date.UTC(2025, 5, 1, 0, m)).toISOString().slice(0, 19).replace('T', ' ')},${level.toFixed(3)}`)];
  await writeFile(path('levels.csv'), `${csv.join('\n')}\n`);
  const place = { deviceId: 'HO-01', domain: 'reservoir', kind: 'reservoir-station', siteId: 'HO-01', ward: 'Xã Phú Ninh' } as const;
  const ndjson = levels().map(([m, level], seq) => {
    const ts = Date.UTC(2025, 5, 1, 0, m);
    return JSON.stringify({ ...place, ts, seq, receivedAt: ts, metrics: { waterLevel: level } });
  });
  await writeFile(path('levels.ndjson'), `${ndjson.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run backtest', () => {
  it('finds the rise and the silence in a CSV series, with open and resolve times and evidence', async () => {
    const { report, stdout } = await run('--rules', path('rules.json'), '--input', path('levels.csv'), '--metric', 'waterLevel', '--device', 'HO-01');
    expect(report.ruleSet).toEqual({ id: 'crafted', version: 3 });
    expect(report.summary).toMatchObject({ readings: levels().length, devices: 1, alerts: 2, openAtEnd: 0, byRule: { 'gauge-silent': 1, 'level-rising': 1 } });
    const [rising, silent] = report.alerts;
    expect(rising).toMatchObject({ ruleId: 'level-rising', deviceId: 'HO-01', severity: 'warning', metric: 'waterLevel' });
    // The rise starts at 03:00; the slope over the hour passes 30 cm/h within it.
    expect(rising.openedAt).toBeGreaterThan(Date.UTC(2025, 5, 1, 3, 0));
    expect(rising.openedAt).toBeLessThan(Date.UTC(2025, 5, 1, 4, 0));
    expect(rising.resolvedAt).toBeGreaterThan(rising.openedAt);
    expect(rising.evidence).toMatchObject({ windowSeconds: 3600, maxRisePerMinute: 0.005 });
    expect(rising.message.vi).toContain('đang tăng nhanh');
    // Last reading before the gap at 04:55; three usual intervals later is 05:10, ticked each minute.
    expect(silent).toMatchObject({ ruleId: 'gauge-silent', openedAt: Date.UTC(2025, 5, 1, 5, 10), resolvedAt: Date.UTC(2025, 5, 1, 7, 0) });
    expect(stdout).toContain('2 alerts (0 critical, 2 warning), 0 still open at the end');
  });

  it('gives the same alerts for the same series recorded as NDJSON readings', async () => {
    const csv = await run('--rules', path('rules.json'), '--input', path('levels.csv'), '--metric', 'waterLevel', '--device', 'HO-01', '--ward', 'Xã Phú Ninh');
    const ndjson = await run('--rules', path('rules.json'), '--input', path('levels.ndjson'));
    expect(ndjson.report.alerts.map((a) => [a.ruleId, a.openedAt, a.resolvedAt])).toEqual(csv.report.alerts.map((a) => [a.ruleId, a.openedAt, a.resolvedAt]));
  });

  it('writes byte-identical reports for the same recording and rules', async () => {
    const first = await run('--rules', path('rules.json'), '--input', path('levels.ndjson'));
    const second = await run('--rules', path('rules.json'), '--input', path('levels.ndjson'));
    expect(second.bytes).toBe(first.bytes);
  });

  it('prints its usage with --help', async () => {
    const written: string[] = [];
    await main(['--help'], { write: (text: string) => written.push(text) });
    expect(written.join('')).toContain('npm run backtest -- --rules FILE|defaults --input FILE');
  });

  it('runs the shipped rules with --rules defaults', async () => {
    const { report } = await run('--rules', 'defaults', '--input', path('levels.ndjson'));
    expect(report.ruleSet.id).toBe('default');
    expect(report.alerts.map((a) => a.ruleId)).toContain('reservoir-level-rising');
  });

  it('refuses a CSV recording without --metric, saying what to add', async () => {
    await expect(main(['--rules', 'defaults', '--input', path('levels.csv')])).rejects.toThrow(/needs --metric/);
  });
});
