import { describe, expect, it } from 'vitest';
import { ReadingSchema, type Reading } from '../../../contracts/src/index.js';
import { HourlyAverages } from '../../src/derived/hourly-average.js';

const at = (local: string) => Date.parse(`${local}+07:00`);

function reading(deviceId: string, local: string, metrics: Reading['metrics'], seq = 0): Reading {
  const ts = at(local);
  return { deviceId, domain: 'environment', kind: 'air-station', siteId: 'hn-ba-dinh', ward: 'Ba Đình', ts, seq, receivedAt: ts + 500, metrics };
}

describe('HourlyAverages', () => {
  it('emits the mean of a local hour when the first reading of a later hour arrives', () => {
    const averages = new HourlyAverages(['pm25', 'no2']);
    expect(averages.add(reading('aq-1', '2024-03-10T08:00:00', { pm25: 40, no2: 100 }))).toBeUndefined();
    expect(averages.add(reading('aq-1', '2024-03-10T08:20:00', { pm25: 50 }))).toBeUndefined();
    expect(averages.add(reading('aq-1', '2024-03-10T08:59:59', { pm25: 60, no2: 120 }))).toBeUndefined();
    const closing = reading('aq-1', '2024-03-10T09:00:00', { pm25: 10, no2: 10 });
    const hour = averages.add(closing);
    expect(hour).toEqual({
      deviceId: 'aq-1',
      domain: 'environment',
      kind: 'air-station',
      siteId: 'hn-ba-dinh',
      ward: 'Ba Đình',
      ts: at('2024-03-10T08:00:00'),
      seq: at('2024-03-10T08:00:00') / 3_600_000,
      receivedAt: closing.receivedAt,
      metrics: { pm25: 50, no2: 110 },
      derived: 'hourly-mean',
    });
    expect(ReadingSchema.safeParse(hour).success).toBe(true);
  });

  it('averages only the metrics it was given', () => {
    const averages = new HourlyAverages(['pm25']);
    averages.add(reading('aq-1', '2024-03-10T08:10:00', { pm25: 40, noise: 70 }));
    expect(averages.add(reading('aq-1', '2024-03-10T09:10:00', { pm25: 40 }))?.metrics).toEqual({ pm25: 40 });
  });

  it('keeps each device apart', () => {
    const averages = new HourlyAverages(['pm25']);
    averages.add(reading('aq-1', '2024-03-10T08:10:00', { pm25: 10 }));
    averages.add(reading('aq-2', '2024-03-10T08:10:00', { pm25: 90 }));
    expect(averages.add(reading('aq-2', '2024-03-10T09:10:00', { pm25: 1 }))).toMatchObject({ deviceId: 'aq-2', metrics: { pm25: 90 } });
    expect(averages.add(reading('aq-1', '2024-03-10T09:10:00', { pm25: 1 }))).toMatchObject({ deviceId: 'aq-1', metrics: { pm25: 10 } });
  });

  it('leaves out values outside the physical range, late readings and derived readings', () => {
    const averages = new HourlyAverages(['pm25']);
    averages.add(reading('aq-1', '2024-03-10T08:10:00', { pm25: 30 }));
    averages.add(reading('aq-1', '2024-03-10T08:20:00', { pm25: -5 }));
    averages.add(reading('aq-1', '2024-03-10T08:30:00', { pm25: 9999 }));
    averages.add({ ...reading('aq-1', '2024-03-10T08:40:00', { pm25: 500 }), derived: 'hourly-mean' });
    averages.add(reading('aq-1', '2024-03-10T09:10:00', { pm25: 20 }));
    expect(averages.add(reading('aq-1', '2024-03-10T08:50:00', { pm25: 400 }))).toBeUndefined();
    expect(averages.add(reading('aq-1', '2024-03-10T10:00:00', { pm25: 1 }))?.metrics).toEqual({ pm25: 20 });
  });

  it('emits nothing for an hour in which no value counted', () => {
    const averages = new HourlyAverages(['pm25']);
    averages.add(reading('aq-1', '2024-03-10T08:10:00', { no2: 30 }));
    expect(averages.add(reading('aq-1', '2024-03-10T09:10:00', { pm25: 20 }))).toBeUndefined();
  });

  it('closes every open hour on flush, at the end of a recording', () => {
    const averages = new HourlyAverages(['pm25']);
    averages.add(reading('aq-1', '2024-03-10T08:10:00', { pm25: 10 }));
    averages.add(reading('aq-2', '2024-03-10T23:10:00', { pm25: 30 }));
    expect(averages.flush().map((r) => [r.deviceId, r.ts, r.metrics.pm25])).toEqual([
      ['aq-1', at('2024-03-10T08:00:00'), 10],
      ['aq-2', at('2024-03-10T23:00:00'), 30],
    ]);
    expect(averages.flush()).toEqual([]);
  });
});
