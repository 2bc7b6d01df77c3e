import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DOMAIN_OF_KIND, DeviceKindSchema, deviceTopic, type Reading } from '../../contracts/src/index.js';
import { examplePayload } from '../../test-support/device-examples.js';
import { normalizeMessage } from '../../ingest/src/index.js';
import { readCsvReadings } from '../../tools/src/index.js';
import { ROOT, runId } from './support.js';
import { SHARED_DATA } from '../../test-support/shared-data.js';

/**
 * `npm run replay` as an engineer runs it against Mosquitto: every recorded reading arrives on its
 * device's topic as a payload ingest turns back into the same reading; the processor's own derived
 * readings are skipped and counted.
 */
const { mqttUrl } = inject('services');
const run = runId();
const HANOI = join(SHARED_DATA, 'hanoi-pm25/hanoi_pm25_hourly_2015_2020.csv');
let folder: string;
let observer: MqttClient;
const received: Array<{ topic: string; payload: Buffer }> = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ioc-replay-'));
  // An observer on every device topic: a message on a wrong topic would show up here too.
  observer = await connectAsync(mqttUrl, { clientId: `replay-observer-${run}`, reconnectPeriod: 0 });
  observer.on('message', (topic, payload) => {
    if (topic.includes(run)) received.push({ topic, payload });
  });
  await observer.subscribeAsync('ioc/#', { qos: 1 });
});

afterAll(async () => {
  await observer?.endAsync();
  await rm(folder, { recursive: true, force: true });
});

async function replay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/src/recording/replay-cli.ts', '--url', mqttUrl, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

/** What ingest makes of the messages that arrived for `deviceIds`, in arrival order, with the topics they came on. */
function arrivedFor(deviceIds: ReadonlySet<string>): Array<{ topic: string; reading: Reading }> {
  return received.flatMap(({ topic, payload }) => {
    const result = normalizeMessage(topic, payload, Date.now());
    if (!result.ok) throw new Error(`${topic}: ${result.deadLetter.reason}`);
    if (result.kind !== 'reading' || !deviceIds.has(result.reading.deviceId)) return [];
    return [{ topic, reading: result.reading }];
  });
}

async function waitFor(count: () => number, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (count() < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

const withoutReceivedAt = ({ receivedAt: _receivedAt, ...reading }: Reading) => reading;

describe('npm run replay', () => {
  it('publishes a recording of every device kind on the right topics, as the readings it recorded, and skips derived ones', async () => {
    // One reading per telemetry kind, as ingest made them from the contracts' example payloads, a second apart.
    const start = Date.UTC(2026, 0, 15, 3, 0, 0);
    const recorded = DeviceKindSchema.options
      .filter((kind) => kind !== 'camera')
      .map((kind, i) => {
        const payload = { ...examplePayload(kind), deviceId: `${kind}-${run}`, ts: start + i * 1000 };
        const result = normalizeMessage(deviceTopic(DOMAIN_OF_KIND[kind], `site-${run}`, `${kind}-${run}`, 'telemetry'), Buffer.from(JSON.stringify(payload)), start + i * 1000 + 400);
        if (!result.ok || result.kind !== 'reading') throw new Error(`example ${kind} did not normalize`);
        return result.reading;
      });
    const air = recorded[0];
    const derived: Reading[] = [
      { ...air, ts: start, metrics: { pm25: 38.2 }, derived: 'hourly-mean' },
      { ...air, ts: start, metrics: { vnAqi: 104 }, derived: 'vn-aqi-hourly' },
    ];
    const input = join(folder, 'incident.ndjson');
    await writeFile(input, [recorded[0], ...derived, ...recorded.slice(1)].map((r) => `${JSON.stringify(r)}\n`).join(''));

    const { code, stdout, stderr } = await replay('--input', input, '--speed', '20');

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`published ${recorded.length} messages`);
    expect(stdout).toContain('skipped 2 readings:');
    expect(stdout).toContain('1  derived by the processor (hourly-mean)');
    expect(stdout).toContain('1  derived by the processor (vn-aqi-hourly)');
    const ours = new Set(recorded.map((r) => r.deviceId));
    await waitFor(() => arrivedFor(ours).length, recorded.length);
    const arrived = arrivedFor(ours);
    expect(arrived.map((m) => m.topic)).toEqual(recorded.map((r) => deviceTopic(r.domain, r.siteId, r.deviceId, 'telemetry')));
    expect(arrived.map((m) => withoutReceivedAt(m.reading))).toEqual(recorded.map(withoutReceivedAt));
  });

  it('with --retime sends device times from now, the recording’s spacing divided by the speed', async () => {
    const deviceId = `aq-retime-${run}`;
    const recordedAt = Date.UTC(2016, 0, 10);
    const readings: Reading[] = [0, 1, 2].map((hour) => ({
      deviceId,
      domain: 'environment',
      kind: 'air-station',
      siteId: `site-${run}`,
      ward: 'Phường Ba Đình',
      ts: recordedAt + hour * 3_600_000,
      seq: 100 + hour,
      receivedAt: recordedAt + hour * 3_600_000,
      metrics: { pm25: 80 + hour },
    }));
    const input = join(folder, 'hourly.ndjson');
    await writeFile(input, readings.map((r) => `${JSON.stringify(r)}\n`).join(''));

    const before = Date.now();
    const { code } = await replay('--input', input, '--speed', '7200', '--retime');
    expect(code).toBe(0);

    await waitFor(() => arrivedFor(new Set([deviceId])).length, 3);
    const arrived = arrivedFor(new Set([deviceId])).map((m) => m.reading);
    expect(arrived.map((r) => [r.seq, r.metrics.pm25])).toEqual([[100, 80], [101, 81], [102, 82]]);
    expect(arrived[0].ts).toBeGreaterThanOrEqual(before);
    expect(arrived[0].ts).toBeLessThan(Date.now());
    // An hour at 7200× is half a second.
    expect(arrived.map((r) => r.ts - arrived[0].ts)).toEqual([0, 500, 1000]);
  });

  it('replays the Hanoi PM2.5 station’s first 48 reported hours as fast as possible', async () => {
    const lines = (await readFile(HANOI, 'utf8')).split('\n');
    // The file opens with most of 2015 missing: start where the station reports at least half of the next 48 hours.
    const reported = lines.map((line, i) => i > 0 && (line.split(',')[2] ?? '') !== '');
    const first = reported.findIndex((has, i) => has && reported.slice(i, i + 48).filter(Boolean).length >= 24);
    const input = join(folder, 'hanoi-48h.csv');
    await writeFile(input, `${[lines[0], ...lines.slice(first, first + 48)].join('\n')}\n`);
    const deviceId = `US-EMBASSY-${run}`;
    const csv = { deviceId, kind: 'air-station', ward: 'Phường Ba Đình', metric: 'pm25', timeColumn: 'timestamp_utc', valueColumn: 'raw_conc_ugm3' } as const;
    const recorded: Reading[] = [];
    for await (const reading of readCsvReadings(input, csv)) recorded.push(reading);
    expect(recorded.length).toBe(reported.slice(first, first + 48).filter(Boolean).length);

    const { code, stdout } = await replay(
      '--input', input, '--as-fast-as-possible', '--metric', 'pm25', '--kind', 'air-station', '--device', deviceId,
      '--ward', 'Phường Ba Đình', '--time-column', 'timestamp_utc', '--value-column', 'raw_conc_ugm3',
    );

    expect(code).toBe(0);
    expect(stdout).toContain(`published ${recorded.length} messages`);
    expect(stdout).toContain('skipped 0 readings');
    await waitFor(() => arrivedFor(new Set([deviceId])).length, recorded.length);
    const arrived = arrivedFor(new Set([deviceId]));
    expect(new Set(arrived.map((m) => m.topic))).toEqual(new Set([`ioc/environment/${deviceId}/${deviceId}/telemetry`]));
    expect(arrived.map((m) => withoutReceivedAt(m.reading))).toEqual(recorded.map(withoutReceivedAt));
  });

  it('a recording of readings no device publishes is refused before anything is sent', async () => {
    const input = join(folder, 'derived-only.ndjson');
    const reading: Reading = { deviceId: `aq-derived-${run}`, domain: 'environment', kind: 'air-station', siteId: `site-${run}`, ward: 'w', ts: Date.UTC(2026, 0, 1), seq: 0, receivedAt: Date.UTC(2026, 0, 1), metrics: { vnAqi: 90 }, derived: 'vn-aqi-daily' };
    await writeFile(input, `${JSON.stringify(reading)}\n`);
    const { code, stderr } = await replay('--input', input);
    expect(code).toBe(2);
    expect(stderr).toContain('IOC_REPLAY_OPTIONS');
    expect(stderr).toContain('none of the 1 readings');
    expect(stderr).toContain('derived by the processor (vn-aqi-daily)');
  });
});
