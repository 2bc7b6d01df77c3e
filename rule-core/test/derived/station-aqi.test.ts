import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/src/index.js';
import { StationAqi } from '../../src/derived/station-aqi.js';

const HOUR = 3_600_000;
const dayStart = Date.parse('2024-03-10T00:00:00+07:00');

function hourlyMeans(hourStart: number, metrics: Reading['metrics']): Reading {
  return { deviceId: 'aq-1', domain: 'environment', kind: 'air-station', siteId: 'hn', ward: 'Ba Đình', ts: hourStart, seq: hourStart / HOUR, receivedAt: hourStart + HOUR, metrics, derived: 'hourly-mean' };
}

describe('StationAqi', () => {
  it('gives the hourly index from the second hour on (NowCast needs 2 of the newest 3 hours)', () => {
    const station = new StationAqi();
    expect(station.addHourlyMeans(hourlyMeans(dayStart, { pm25: 30, no2: 150 })).hourly).toBeUndefined();
    const second = station.addHourlyMeans(hourlyMeans(dayStart + HOUR, { pm25: 30, no2: 150 }));
    expect(second.hourly).toMatchObject({ hourStart: dayStart + HOUR, result: { aqi: 75, dominant: 'no2', subIndices: { pm25: 60, no2: 75 } } });
  });

  it('treats hours that never arrived as missing in NowCast', () => {
    const station = new StationAqi();
    station.addHourlyMeans(hourlyMeans(dayStart, { pm25: 30 }));
    station.addHourlyMeans(hourlyMeans(dayStart + HOUR, { pm25: 30 }));
    // Hours 2 and 3 are missing: at hour 4 only c1 of the newest three is present; at hour 5,
    // w* = 30/90 so w = ½ and the missing hours weigh nothing.
    expect(station.addHourlyMeans(hourlyMeans(dayStart + 4 * HOUR, { pm25: 90 })).hourly).toBeUndefined();
    const next = station.addHourlyMeans(hourlyMeans(dayStart + 5 * HOUR, { pm25: 90 }));
    expect(next.hourly?.result.nowCast.pm25).toBeCloseTo((90 + 0.5 * 90 + 0.5 ** 4 * 30 + 0.5 ** 5 * 30) / (1 + 0.5 + 0.5 ** 4 + 0.5 ** 5), 10);
  });

  it('gives the daily index after the day’s last hour', () => {
    const station = new StationAqi();
    let daily;
    for (let h = 0; h < 24; h++) {
      const update = station.addHourlyMeans(hourlyMeans(dayStart + h * HOUR, { pm25: 40 + (h % 2) * 20, no2: h === 8 ? 250 : 50 }));
      if (h < 23) expect(update.daily).toBeUndefined();
      else daily = update.daily;
    }
    // PM2.5 24-hour mean 50 → 100; NO2 daily max 250 → 105.
    expect(daily).toMatchObject({ dayStart, result: { aqi: 105, dominant: 'no2', subIndices: { pm25: 100, no2: 105 } } });
  });

  it('gives a day’s index at the next day when its last hour is missing', () => {
    const station = new StationAqi();
    for (let h = 0; h < 23; h++) station.addHourlyMeans(hourlyMeans(dayStart + h * HOUR, { pm25: 25 }));
    const nextDay = station.addHourlyMeans(hourlyMeans(dayStart + 25 * HOUR, { pm25: 25 }));
    expect(nextDay.daily).toMatchObject({ dayStart, result: { aqi: 50 } });
    expect(station.addHourlyMeans(hourlyMeans(dayStart + 26 * HOUR, { pm25: 25 })).daily).toBeUndefined();
  });

  it('publishes no daily index for a day with too few PM hours', () => {
    const station = new StationAqi();
    for (let h = 0; h < 10; h++) station.addHourlyMeans(hourlyMeans(dayStart + 14 * HOUR + h * HOUR, { pm25: 25 }));
    expect(station.addHourlyMeans(hourlyMeans(dayStart + 24 * HOUR, { pm25: 25 })).daily).toBeUndefined();
  });
});
