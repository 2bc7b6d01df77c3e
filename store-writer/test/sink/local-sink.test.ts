import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalSink } from '../../src/sink/local-sink.js';
import { readingAt } from '../../../test-support/readings.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe('LocalSink', () => {
  it('keeps only the newest readings in memory', async () => {
    const sink = new LocalSink({ memoryLimit: 5 });
    for (let minute = 0; minute < 12; minute++) await sink.write([readingAt(minute, { pm25: minute })], []);
    expect(sink.recentReadings().map((reading) => reading.metrics.pm25)).toEqual([7, 8, 9, 10, 11]);
  });

  it('appends readings to one NDJSON file per UTC day of device time', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ioc-local-sink-'));
    directories.push(directory);
    const sink = new LocalSink({ directory });
    // T0 is 03:00 UTC on 1 June; 21 hours later is the next UTC day.
    await sink.write([readingAt(0, { pm25: 10 }), readingAt(21 * 60, { pm25: 20 })], []);
    await sink.write([readingAt(21 * 60 + 1, { pm25: 30 })], []);

    expect((await readdir(directory)).sort()).toEqual(['readings-2025-06-01.ndjson', 'readings-2025-06-02.ndjson']);
    const nextDay = (await readFile(join(directory, 'readings-2025-06-02.ndjson'), 'utf8')).trim().split('\n');
    expect(nextDay.map((line) => JSON.parse(line).metrics.pm25)).toEqual([20, 30]);
  });

  it('refuses writes once closed, so the batch is not committed on the bus', async () => {
    const sink = new LocalSink();
    await sink.close();
    await expect(sink.write([readingAt(0, { pm25: 1 })], [])).rejects.toMatchObject({ code: 'IOC_SINK_CLOSED' });
  });
});
