import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KafkaBus } from '../../platform/src/index.js';
import { readNdjsonReadings } from '../../tools/src/index.js';
import { servicesEnv } from '../../test-support/services.js';
import { ROOT, airReadings, kafkaBus, publishReadings, runId } from './support.js';

/**
 * `npm run record` as an engineer runs it against Kafka: the recording holds exactly the readings
 * of the devices asked for, in the format the backtest replays.
 */
const services = inject('services');
const run = runId();
const prefix = `record-${run}.`;
let bus: KafkaBus;
let folder: string;

beforeAll(async () => {
  bus = await kafkaBus(services, prefix);
  folder = await mkdtemp(join(tmpdir(), 'ioc-record-'));
});

afterAll(async () => {
  await bus?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('npm run record', () => {
  it('records the chosen devices’ readings from Kafka into a file the backtest reads', async () => {
    const wanted = `rec-${run}-a`;
    const readings = airReadings([wanted, `rec-${run}-b`], 50);
    await publishReadings(bus, readings);

    const out = join(folder, 'incident.ndjson');
    const recorder = spawn(process.execPath, ['--import', 'tsx', 'tools/src/recording/record-cli.ts', '--out', out, '--device', wanted, '--from-beginning', '--max', '50', '--duration', '60'], {
      cwd: ROOT,
      env: { ...process.env, ...servicesEnv(services), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    recorder.stdout.on('data', (chunk) => (stdout += chunk));
    const [code] = await once(recorder, 'exit');
    expect(code).toBe(0);
    expect(stdout).toContain('recorded 50 readings');

    const recorded = [];
    for await (const reading of readNdjsonReadings(out)) recorded.push(reading);
    expect(recorded.map((r) => r.seq)).toEqual(readings.filter((r) => r.deviceId === wanted).map((r) => r.seq));
    expect(new Set(recorded.map((r) => r.deviceId))).toEqual(new Set([wanted]));
  }, 90_000);
});
