import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IocError, errorText, exitCodeFor, platformError } from '../../platform/src/index.js';
import { main as backtest } from '../src/backtest/cli.js';
import { main as evalNab } from '../src/backtest/eval-nab.js';
import { toolError } from '../src/errors.js';

/**
 * The conventions every command-line tool keeps: `--help`, coded errors (`CODE: message` on
 * stderr, never a raw ENOENT), exit code 0 / 1 (the run failed) / 2 (the command is wrong), and
 * nothing written into tracked files unless asked.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECORDED_NAB_SCORES = join(ROOT, 'tools/bench/nab-scores.json');

let dir: string;
const quiet = { write: () => true };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` with `cwd` as the working directory, where a tool's default output lands. */
async function inDirectory<T>(cwd: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

async function rejection(promise: Promise<unknown>): Promise<IocError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IocError);
  return error as IocError;
}

describe('exit codes and error text', () => {
  it('exits 2 for what the person running the command must fix, 1 for a failed run', () => {
    expect(exitCodeFor(toolError('IOC_BACKTEST_OPTIONS', ['--tick-seconds must be a positive number']))).toBe(2);
    expect(exitCodeFor(toolError('IOC_RECORDING_INVALID', ['x.ndjson', '3', 'not JSON']))).toBe(2);
    expect(exitCodeFor(platformError('IOC_CONFIG_INVALID', ['PORT: Too big']))).toBe(2);
    expect(exitCodeFor(platformError('IOC_MQTT_UNREACHABLE', ['mqtt://127.0.0.1:1', 'ECONNREFUSED']))).toBe(1);
    expect(exitCodeFor(toolError('IOC_OUTPUT_NOT_WRITTEN', ['/x.json', 'EACCES']))).toBe(1);
    expect(exitCodeFor(new TypeError('a bug'))).toBe(1);
  });

  it('prints a coded error as CODE: message, and anything else with its stack', () => {
    expect(errorText(toolError('IOC_REPLAY_OPTIONS', ['--input: no file "x"']))).toBe(
      'IOC_REPLAY_OPTIONS: Replay options are invalid: --input: no file "x". See `npm run replay -- --help` for the usage.',
    );
    expect(errorText(new TypeError('a bug'))).toMatch(/^TypeError: a bug\n\s+at /);
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1883');
    expect(errorText(platformError('IOC_MQTT_UNREACHABLE', ['mqtt://127.0.0.1:1883', refused.message], { cause: refused }))).not.toContain('caused by');
    expect(errorText(toolError('IOC_OUTPUT_NOT_WRITTEN', ['/x.json', 'no room'], { cause: new Error('ENOSPC: no space left on device') }))).toMatch(/\n {2}caused by: ENOSPC: no space left on device$/);
  });
});

describe('backtest', () => {
  it('refuses a missing input or rule file with a coded error naming the option, not ENOENT', async () => {
    const input = await rejection(backtest(['--rules', 'defaults', '--input', join(dir, 'no-such.ndjson')], quiet));
    expect(input.code).toBe('IOC_BACKTEST_OPTIONS');
    expect(input.message).toContain(`--input: no file "${join(dir, 'no-such.ndjson')}"`);
    expect(exitCodeFor(input)).toBe(2);

    const rules = await rejection(backtest(['--rules', join(dir, 'no-rules.json'), '--input', join(dir, 'no-such.ndjson')], quiet));
    expect(rules.message).toContain('--rules: no file');
  });

  it('writes its report under the untracked .data/ by default', async () => {
    const work = await mkdtemp(join(dir, 'backtest-'));
    await writeFile(join(work, 'empty.ndjson'), '');
    const printed: string[] = [];
    await inDirectory(work, () => backtest(['--rules', 'defaults', '--input', 'empty.ndjson'], { write: (text: string) => printed.push(text) }));
    const report = JSON.parse(await readFile(join(work, '.data/backtest-report.json'), 'utf8')) as { summary: { readings: number } };
    expect(report.summary.readings).toBe(0);
    expect(printed.join('')).toContain('report: .data/backtest-report.json');
  });
});

describe('eval:nab', () => {
  /** A NAB-shaped folder: one series per category, a level step in the second day, its window labelled. */
  async function nabData(): Promise<string> {
    const data = await mkdtemp(join(dir, 'nab-'));
    const rows = ['timestamp,value'];
    for (let i = 0; i < 576; i++) {
      const at = new Date(Date.UTC(2014, 3, 1) + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
      rows.push(`${at},${(i < 400 ? 20 : 80) + (i % 7) * 0.1}`);
    }
    const windows: Record<string, string[][]> = {};
    for (const category of ['artificialWithAnomaly', 'realKnownCause']) {
      await mkdir(join(data, 'data', category), { recursive: true });
      await writeFile(join(data, 'data', category, 'step.csv'), `${rows.join('\n')}\n`);
      windows[`${category}/step.csv`] = [['2014-04-02 08:00:00.000000', '2014-04-02 12:00:00.000000']];
    }
    await mkdir(join(data, 'labels'));
    await writeFile(join(data, 'labels', 'combined_windows.json'), JSON.stringify(windows));
    return data;
  }

  it('answers --help with its usage', async () => {
    const printed: string[] = [];
    await evalNab(['--help'], { write: (text: string) => printed.push(text) });
    expect(printed.join('')).toContain('npm run eval:nab [-- options]');
    expect(printed.join('')).toContain('--out tools/bench/nab-scores.json updates the recorded results');
  });

  it('refuses an unknown option, a missing data folder and broken labels with coded errors', async () => {
    const unknown = await rejection(evalNab(['--bogus'], quiet));
    expect(errorText(unknown)).toBe("IOC_EVAL_NAB_OPTIONS: NAB evaluation options are invalid: Unknown option '--bogus'. See `npm run eval:nab -- --help` for the usage.");
    const missing = await rejection(evalNab(['--data', join(dir, 'no-nab')], quiet));
    expect(missing.message).toContain(`--data: no folder "${join(dir, 'no-nab')}"`);
    const broken = await nabData();
    await writeFile(join(broken, 'labels', 'combined_windows.json'), '{"realKnownCause/step.csv": [["yesterday"]]}');
    const labels = await rejection(evalNab(['--data', broken], quiet));
    expect(labels.message).toContain("does not hold NAB's labelled windows");
    expect(exitCodeFor(labels)).toBe(2);
  });

  it('writes the scores under the untracked .data/ by default, leaving the recorded results alone', async () => {
    const recorded = await stat(RECORDED_NAB_SCORES);
    const data = await nabData();
    const work = await mkdtemp(join(dir, 'eval-'));
    const printed: string[] = [];
    await inDirectory(work, () => evalNab(['--data', data], { write: (text: string) => printed.push(text) }));
    const scores = JSON.parse(await readFile(join(work, '.data/nab-scores.json'), 'utf8')) as { series: Array<{ file: string; rows: number }> };
    expect(scores.series).toEqual([expect.objectContaining({ file: 'artificialWithAnomaly/step.csv', rows: 576 }), expect.objectContaining({ file: 'realKnownCause/step.csv', rows: 576 })]);
    expect(printed.join('')).toContain('written to .data/nab-scores.json');
    expect((await stat(RECORDED_NAB_SCORES)).mtimeMs).toBe(recorded.mtimeMs);
  });
});

/** Each tool as `npm run` starts it: a separate Node process, its exit code and its output. */
async function command(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KAFKA_BROKERS: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('commands as processes', { timeout: 120_000 }, () => {
  // A few processes only: each compiles its whole part with tsx, seconds of CPU apiece.
  it('eval:nab answers --help with its usage and exit code 0', async () => {
    const { code, stdout, stderr } = await command('tools/src/backtest/eval-nab.ts', ['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Usage:');
  });

  it('exits 2 with a coded error, and no stack or ENOENT, when the command line or configuration is wrong', async () => {
    const cases: Array<[string, string[], Record<string, string>, string]> = [
      ['tools/src/backtest/cli.ts', ['--rules', 'defaults', '--input', join(dir, 'no-such.ndjson')], {}, 'IOC_BACKTEST_OPTIONS'],
      ['simulators/src/cli.ts', ['--bogus'], {}, 'IOC_SIMULATOR_OPTIONS_INVALID'],
      ['ingest/src/main.ts', ['--port', '9000'], {}, 'IOC_COMMAND_LINE_INVALID'],
      ['ingest/src/main.ts', [], { INGEST_PORT: '99999' }, 'IOC_CONFIG_INVALID'],
    ];
    const results = await Promise.all(cases.map(([script, args, env]) => command(script, args, env)));
    results.forEach(({ code, stderr }, i) => {
      const [script, args, , errorCode] = cases[i];
      expect({ script, args, code, printed: stderr.split(':')[0] }).toEqual({ script, args, code: 2, printed: errorCode });
      expect(stderr).not.toMatch(/ENOENT|\n\s+at /);
    });
  });
});
