import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/src/index.js';
import { IocError } from '../../../platform/src/index.js';
import { readCsvReadings, readNdjsonReadings, readRecording, recordingFormatOf, splitCsvLine } from '../../src/recording/index.js';
import { parseTimestamp, timezoneOffsetMinutes } from '../../src/recording/timestamps.js';
import { SHARED_DATA } from '../../../test-support/shared-data.js';

const DATA = SHARED_DATA;

async function collect(readings: AsyncIterable<Reading>): Promise<Reading[]> {
  const all: Reading[] = [];
  for await (const reading of readings) all.push(reading);
  return all;
}

async function failure(readings: AsyncIterable<Reading>): Promise<IocError> {
  try {
    await collect(readings);
  } catch (error) {
    return error as IocError;
  }
  throw new Error('expected the recording to be refused');
}

const text = (s: string) => Readable.from([s]);

const nabOptions = { deviceId: 'machine-1', kind: 'air-station', ward: 'Ba Đình', metric: 'pm25' } as const;

describe('timestamps', () => {
  it('reads NAB times (no zone) as UTC unless told otherwise', () => {
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('2014-04-10 07:15:00', 7 * 60)).toBe(Date.UTC(2014, 3, 10, 0, 15));
  });

  it('honours a zone in the text over the default', () => {
    expect(parseTimestamp('2015-01-01T01:00:00+07:00', 0)).toBe(Date.UTC(2014, 11, 31, 18));
    expect(parseTimestamp('2014-12-31T18:00:00Z', 7 * 60)).toBe(Date.UTC(2014, 11, 31, 18));
    expect(parseTimestamp('2014-12-31T18:00:00.250+0000')).toBe(Date.UTC(2014, 11, 31, 18, 0, 0, 250));
  });

  it('refuses what is not a real time', () => {
    for (const bad of ['', 'yesterday', '2024-02-30 00:00:00', '2024-13-01 00:00:00', '2024-01-01 24:00:00', '1396000000']) {
      expect(parseTimestamp(bad)).toBeNaN();
    }
  });

  it('knows UTC, Vietnam and fixed offsets, and no zone with daylight saving', () => {
    expect(timezoneOffsetMinutes('UTC')).toBe(0);
    expect(timezoneOffsetMinutes('Asia/Ho_Chi_Minh')).toBe(420);
    expect(timezoneOffsetMinutes('-03:30')).toBe(-210);
    expect(timezoneOffsetMinutes('Europe/Paris')).toBeUndefined();
  });
});

describe('NDJSON recordings', () => {
  const reading = { deviceId: 'aq-1', domain: 'environment', kind: 'air-station', siteId: 'hn-1', ward: 'Ba Đình', ts: 1_700_000_000_000, seq: 1, receivedAt: 1_700_000_000_100, metrics: { pm25: 35 } };

  it('reads one canonical reading per line and skips blank lines', async () => {
    const lines = `${JSON.stringify(reading)}\n\n${JSON.stringify({ ...reading, seq: 2 })}\r\n`;
    expect((await collect(readNdjsonReadings(text(lines)))).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('names the line and the field of a reading that does not match the schema', async () => {
    const lines = [reading, reading, { ...reading, metrics: { pm25: 'high' } }].map((r) => JSON.stringify(r)).join('\n');
    const error = await failure(readNdjsonReadings(text(lines)));
    expect(error.code).toBe('IOC_RECORDING_INVALID');
    expect(error.message).toContain('line 3');
    expect(error.message).toContain('metrics.pm25');
  });

  it('names the line that is not JSON', async () => {
    const error = await failure(readNdjsonReadings(text(`${JSON.stringify(reading)}\n{"deviceId": `)));
    expect(error.message).toMatch(/line 2: not JSON/);
  });
});

describe('CSV recordings', () => {
  it('turns rows of timestamp,value into readings with seq = row index', async () => {
    const csv = 'timestamp,value\n2014-04-01 00:00:00,20.5\n2014-04-01 00:05:00,21\n';
    expect(await collect(readCsvReadings(text(csv), nabOptions))).toEqual([
      { deviceId: 'machine-1', domain: 'environment', kind: 'air-station', siteId: 'machine-1', ward: 'Ba Đình', ts: Date.UTC(2014, 3, 1), seq: 0, receivedAt: Date.UTC(2014, 3, 1), metrics: { pm25: 20.5 } },
      { deviceId: 'machine-1', domain: 'environment', kind: 'air-station', siteId: 'machine-1', ward: 'Ba Đình', ts: Date.UTC(2014, 3, 1, 0, 5), seq: 1, receivedAt: Date.UTC(2014, 3, 1, 0, 5), metrics: { pm25: 21 } },
    ]);
  });

  it('maps named columns, skips empty values and reads quoted fields', async () => {
    const csv = [
      'timestamp_local,timestamp_utc,raw_conc_ugm3,qc_name,source_file',
      '2015-01-01T01:00:00+07:00,2014-12-31T18:00:00Z,,Missing,"a,b.csv"',
      '2015-01-01T02:00:00+07:00,2014-12-31T19:00:00Z,88,Valid,"say ""hi"""',
    ].join('\n');
    const readings = await collect(readCsvReadings(text(csv), { ...nabOptions, timeColumn: 'timestamp_utc', valueColumn: 'raw_conc_ugm3' }));
    expect(readings.map((r) => [r.ts, r.seq, r.metrics.pm25])).toEqual([[Date.UTC(2014, 11, 31, 19), 1, 88]]);
    expect(splitCsvLine('a,"b,c","d ""e"""')).toEqual(['a', 'b,c', 'd "e"']);
  });

  it('reads zone-less times in the timezone it is given', async () => {
    const csv = 'timestamp,value\n2024-03-10 08:00:00,1\n';
    const [reading] = await collect(readCsvReadings(text(csv), { ...nabOptions, timezone: 'Asia/Ho_Chi_Minh' }));
    expect(reading.ts).toBe(Date.parse('2024-03-10T08:00:00+07:00'));
  });

  it('names the line of a value or time it cannot read', async () => {
    const badValue = await failure(readCsvReadings(text('timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,n/a\n'), nabOptions));
    expect(badValue.message).toContain('line 3: value "n/a" in column "value" is not a number');
    const badTime = await failure(readCsvReadings(text('timestamp,value\n04/01/2014 00:00,1\n'), nabOptions));
    expect(badTime.message).toContain('line 2: time "04/01/2014 00:00"');
  });

  it('says which column is missing from the header', async () => {
    const error = await failure(readCsvReadings(text('time,value\n'), nabOptions));
    expect(error.message).toContain('line 1: no column "timestamp" in the header (columns: time, value)');
  });

  it('names the option at fault', async () => {
    const wrongDomain = await failure(readCsvReadings(text(''), { ...nabOptions, domain: 'traffic' }));
    expect(wrongDomain.code).toBe('IOC_RECORDING_OPTIONS');
    expect(wrongDomain.message).toContain('domain: kind "air-station" belongs to domain "environment"');
    const badZone = await failure(readCsvReadings(text(''), { ...nabOptions, timezone: 'Europe/Paris' }));
    expect(badZone.message).toContain('timezone:');
    const badMetric = await failure(readCsvReadings(text(''), { ...nabOptions, metric: 'temperature' as 'pm25' }));
    expect(badMetric.message).toContain('metric:');
  });

  it('streams the NAB recordings', async () => {
    const readings = await collect(readRecording(`${DATA}/nab-dev/data/artificialWithAnomaly/art_daily_jumpsup.csv`, 'csv', nabOptions));
    expect(readings).toHaveLength(4032);
    expect(readings[0].ts).toBe(Date.UTC(2014, 3, 1));
    expect(readings.at(-1)?.seq).toBe(4031);
  });

  it('streams the Hanoi PM2.5 recording, skipping its missing hours', async () => {
    const readings = await collect(
      readRecording(`${DATA}/hanoi-pm25/hanoi_pm25_hourly_2015_2020.csv`, 'csv', { ...nabOptions, deviceId: 'us-embassy-hanoi', timeColumn: 'timestamp_utc', valueColumn: 'raw_conc_ugm3' }),
    );
    expect(readings).toHaveLength(35902);
    expect(readings[0].seq).toBeGreaterThan(0);
  });
});

describe('readRecording', () => {
  it('picks the format from the file name and needs CSV options for CSV', () => {
    expect(recordingFormatOf('x/replay.ndjson')).toBe('ndjson');
    expect(recordingFormatOf('nab/art.CSV')).toBe('csv');
    expect(() => readRecording('a.csv', 'csv')).toThrow(/needs deviceId, kind, ward and metric/);
  });
});
