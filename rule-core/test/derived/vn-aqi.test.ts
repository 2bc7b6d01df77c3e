import { describe, expect, it } from 'vitest';
import {
  VN_AQI_BREAKPOINTS,
  VN_AQI_LEVELS,
  dailyAggregates,
  dailyVnAqi,
  hourlyVnAqi,
  nowCast,
  roundHalfUp,
  subIndex,
  vnAqiCategory,
  type VnAqiTable,
} from '../../src/derived/vn-aqi.js';

const TABLES = Object.keys(VN_AQI_BREAKPOINTS) as VnAqiTable[];

describe('VN_AQI sub-indices (Decision 1459/QĐ-TCMT, Table 2)', () => {
  it('matches the published breakpoint table exactly', () => {
    expect(VN_AQI_BREAKPOINTS).toEqual({
      o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
      o3_8h: [0, 100, 120, 170, 210, 400],
      co: [0, 10000, 30000, 45000, 60000, 90000, 120000, 150000],
      so2: [0, 125, 350, 550, 800, 1600, 2100, 2630],
      no2: [0, 100, 200, 700, 1200, 2350, 3100, 3850],
      pm10: [0, 50, 150, 250, 350, 420, 500, 600],
      pm25: [0, 25, 50, 80, 150, 250, 350, 500],
    });
  });

  for (const table of TABLES) {
    it(`${table}: every breakpoint gives its index and every midpoint the mean of its neighbours`, () => {
      const bp = VN_AQI_BREAKPOINTS[table];
      bp.forEach((c, i) => expect(subIndex(table, c)).toBeCloseTo(VN_AQI_LEVELS[i], 12));
      for (let i = 0; i + 1 < bp.length; i++) {
        expect(subIndex(table, (bp[i] + bp[i + 1]) / 2)).toBeCloseTo((VN_AQI_LEVELS[i] + VN_AQI_LEVELS[i + 1]) / 2, 12);
      }
    });
  }

  it('uses the correct SO2 and NO2 breakpoints (wrong ones are common in public code)', () => {
    expect(subIndex('so2', 125)).toBe(50);
    expect(subIndex('so2', 350)).toBe(100);
    expect(subIndex('so2', 450)).toBe(125);
    expect(subIndex('so2', 1600)).toBe(300);
    expect(subIndex('no2', 200)).toBe(100);
    expect(subIndex('no2', 450)).toBe(125);
    expect(subIndex('no2', 700)).toBe(150);
    expect(subIndex('no2', 118.7)).toBeCloseTo(59.35, 10);
  });

  it('is 500 at and above the top breakpoint', () => {
    expect(subIndex('pm25', 500)).toBe(500);
    expect(subIndex('pm25', 900)).toBe(500);
    expect(subIndex('o3_1h', 1500)).toBe(500);
  });

  it('does not compute O3 8-hour above 400', () => {
    expect(subIndex('o3_8h', 400)).toBe(300);
    expect(subIndex('o3_8h', 400.1)).toBeUndefined();
  });

  it('treats a missing, negative or non-finite concentration as no value', () => {
    expect(subIndex('pm25', undefined)).toBeUndefined();
    expect(subIndex('pm25', null)).toBeUndefined();
    expect(subIndex('pm25', -1)).toBeUndefined();
    expect(subIndex('pm25', NaN)).toBeUndefined();
  });
});

describe('rounding and categories', () => {
  it('rounds half up, even where floating point lands a hair below .5', () => {
    expect(roundHalfUp(50.4)).toBe(50);
    expect(roundHalfUp(50.5)).toBe(51);
    expect(roundHalfUp(100 + (50 / 30) * 5.7)).toBe(110);
    // O3 161.2 interpolates to 51.499999999999986 in binary floating point; on paper it is 51.5.
    expect(hourlyVnAqi({ pm25: [10, 10], o3: 161.2 })?.subIndices.o3).toBe(52);
    expect(hourlyVnAqi({ pm25: [10, 10], pm10: [352.45, 352.45] })?.subIndices.pm10).toBe(204);
  });

  it.each([
    [0, 'Tốt', 'Good', '#00E400'],
    [50, 'Tốt', 'Good', '#00E400'],
    [51, 'Trung bình', 'Moderate', '#FFFF00'],
    [100, 'Trung bình', 'Moderate', '#FFFF00'],
    [101, 'Kém', 'Poor', '#FF7E00'],
    [150, 'Kém', 'Poor', '#FF7E00'],
    [151, 'Xấu', 'Bad', '#FF0000'],
    [200, 'Xấu', 'Bad', '#FF0000'],
    [201, 'Rất xấu', 'Very bad', '#8F3F97'],
    [300, 'Rất xấu', 'Very bad', '#8F3F97'],
    [301, 'Nguy hại', 'Hazardous', '#7E0023'],
    [500, 'Nguy hại', 'Hazardous', '#7E0023'],
  ])('AQI %i is %s', (aqi, vi, en, color) => {
    expect(vnAqiCategory(aqi)).toMatchObject({ name: { vi, en }, color });
  });

  it('rounds before categorising: PM2.5 25.2 is 50 (Tốt), 25.25 is 51 (Trung bình)', () => {
    const steady = (c: number) => Array(12).fill(c);
    expect(hourlyVnAqi({ pm25: steady(25.2) })).toMatchObject({ aqi: 50, category: { level: 1 } });
    expect(hourlyVnAqi({ pm25: steady(25.25) })).toMatchObject({ aqi: 51, category: { level: 2 } });
  });
});

describe('NowCast', () => {
  it('reproduces the Decision worked example (w = 0.61, NowCast 20.3)', () => {
    const oldestFirst = [26.9, 24.7, 20.5, 23.5, 19.5, 16.5, 19.0, 16.5, 20.3, 22.4, 19.6, 20.6];
    expect(nowCast([...oldestFirst].reverse())).toBeCloseTo(20.3, 1);
  });

  it('is the value itself for a steady series', () => {
    expect(nowCast(Array(12).fill(42))).toBeCloseTo(42, 12);
  });

  it('floors the weight at ½ when concentrations swing', () => {
    const hours = [100, ...Array(11).fill(10)];
    let weighted = 0;
    let weights = 0;
    hours.forEach((c, i) => {
      weighted += 0.5 ** i * c;
      weights += 0.5 ** i;
    });
    expect(nowCast(hours)).toBeCloseTo(weighted / weights, 12);
  });

  it('skips missing hours in both sums', () => {
    // c1 = 20, c3 = 30: w = 20/30, NowCast = (20 + w² × 30) / (1 + w²)
    const w = 2 / 3;
    expect(nowCast([20, null, 30, ...Array(9).fill(null)])).toBeCloseTo((20 + w * w * 30) / (1 + w * w), 12);
    expect(nowCast([20, 22, undefined, 30])).toBeCloseTo((20 + (2 / 3) * 22 + (2 / 3) ** 3 * 30) / (1 + 2 / 3 + (2 / 3) ** 3), 12);
  });

  it('has no value unless at least 2 of the newest 3 hours are present', () => {
    expect(nowCast([20, null, null, 30, 30, 30, 30, 30, 30, 30, 30, 30])).toBeUndefined();
    expect(nowCast([null, null, 20, 30, 30])).toBeUndefined();
    expect(nowCast([null, 20, 20])).toBe(20);
    expect(nowCast([20])).toBeUndefined();
  });

  it('uses at most 12 hours', () => {
    expect(nowCast([...Array(12).fill(10), 1000])).toBe(10);
  });

  it('is 0 for clean air', () => {
    expect(nowCast(Array(12).fill(0))).toBe(0);
  });
});

describe('hourly AQI', () => {
  it('reproduces the Decision hourly example, rounding half up', () => {
    const result = hourlyVnAqi({ o3: 136.1, no2: 118.7, pm25: Array(12).fill(20.3) });
    // The Decision prints AQI(NO2) = 60 for 59.35 but rounds its daily 65.4 to 65; half up gives 59.
    expect(result).toMatchObject({ aqi: 59, dominant: 'no2', subIndices: { o3: 43, no2: 59, pm25: 41 }, category: { name: { vi: 'Trung bình' } } });
    expect(result?.nowCast.pm25).toBeCloseTo(20.3, 10);
  });

  it('needs PM10 or PM2.5', () => {
    expect(hourlyVnAqi({ o3: 136.1, no2: 118.7 })).toBeUndefined();
    expect(hourlyVnAqi({ pm25: [20, null, null], no2: 500 })).toBeUndefined();
    expect(hourlyVnAqi({ pm10: [60, 60, 60], no2: 500 })).toMatchObject({ dominant: 'no2', subIndices: { pm10: 55, no2: 130 } });
  });

  it('scores O3 on the 1-hour table', () => {
    expect(hourlyVnAqi({ pm25: [10, 10], o3: 200 })?.subIndices.o3).toBe(100);
  });
});

describe('daily AQI', () => {
  it('reproduces the Decision daily example (AQI^d 110, Kém)', () => {
    const result = dailyVnAqi({ o3Max8h: 89.3, o3Max1h: 114.6, no2Max1h: 130.8, pm25Mean24h: 55.7 });
    expect(result).toMatchObject({ aqi: 110, dominant: 'pm25', subIndices: { o3: 45, no2: 65, pm25: 110 }, category: { name: { vi: 'Kém' } } });
  });

  it('takes the larger O3 sub-index of 1 h and 8 h, and only the 1 h one when the 8 h value exceeds 400', () => {
    expect(dailyVnAqi({ pm25Mean24h: 10, o3Max1h: 160, o3Max8h: 120 })?.subIndices.o3).toBe(100);
    expect(dailyVnAqi({ pm25Mean24h: 10, o3Max1h: 400, o3Max8h: 450 })?.subIndices.o3).toBe(200);
  });

  it('needs PM10 or PM2.5', () => {
    expect(dailyVnAqi({ no2Max1h: 130 })).toBeUndefined();
  });

  it('finds the daily maximum 8-hour O3 as in the Decision example (74.4)', () => {
    const o3 = [
      15.7, 14.2, 17.7, 18.9, 19.3, 15.7, 19.7, // 18:00–00:00 of the day before
      22.6, 27.1, 29.0, 31.9, 25.3, 34.7, 35.2, 41.6, 45.7, 49.2, 55.8, 69.6,
      78.3, 91.5, 97.7, 81.2, 71.8, 43.5, 34.3, 21.5, 20.5, 19.4, 20.4, 21.3,
    ];
    const aggregates = dailyAggregates({ o3WithPreviousSeven: o3 });
    expect(aggregates.o3Max8h).toBeCloseTo(74.4, 1);
    expect(aggregates.o3Max1h).toBe(97.7);
  });

  it('averages PM over the day and needs 18 of its 24 hours', () => {
    const full = Array.from({ length: 24 }, (_, h) => 40 + h);
    expect(dailyAggregates({ pm25: full }).pm25Mean24h).toBeCloseTo(51.5, 12);
    const sparse = full.map((c, h) => (h < 18 ? c : null));
    expect(dailyAggregates({ pm25: sparse }).pm25Mean24h).toBeCloseTo(48.5, 12);
    expect(dailyAggregates({ pm25: full.map((c, h) => (h < 17 ? c : null)) }).pm25Mean24h).toBeUndefined();
  });

  it('takes the daily maximum 1-hour value for SO2, NO2 and CO', () => {
    const day = Array.from({ length: 24 }, (_, h) => (h === 8 ? 300 : 50));
    expect(dailyAggregates({ so2: day, no2: day, co: day })).toEqual({ so2Max1h: 300, no2Max1h: 300, coMax1h: 300 });
  });
});
