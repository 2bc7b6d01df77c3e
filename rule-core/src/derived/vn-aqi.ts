/**
 * VN_AQI, the Vietnamese air-quality index of Decision 1459/QĐ-TCMT (12 Nov 2019), as
 * transcribed in ../shared/domain/STANDARDS.md §1. Concentrations are µg/m³.
 *
 * Choices the Decision leaves open, made visible here:
 * - Rounding: half up (109.5 → 110). The Decision's worked hourly example rounds NO2's 59.35 to 60,
 *   its daily example rounds 65.4 to 65; only half-up agrees with the daily one and with
 *   ordinary practice. Values within 1e-9 of .5 count as .5, because interpolation in binary
 *   floating point lands a hair below (109.49999999999999).
 * - At or above the top breakpoint the index is 500 (the table reads "≥ 1200" etc. at 500).
 * - A negative or non-finite concentration is missing, not zero.
 * - Daily means need 75 % of their hours (18 of 24, 6 of 8): the Decision is silent; this is
 *   the usual completeness rule, so a day with two measured hours publishes no daily index.
 */

export const VN_AQI_POLLUTANTS = ['pm25', 'pm10', 'o3', 'co', 'so2', 'no2'] as const;
export type VnAqiPollutant = (typeof VN_AQI_POLLUTANTS)[number];

/** Index values I at the breakpoints, Table 2 of the Decision. */
export const VN_AQI_LEVELS = [0, 50, 100, 150, 200, 300, 400, 500] as const;

/** Breakpoints BP (µg/m³) matching VN_AQI_LEVELS. O3 8 h stops at 400 (index 300). */
export const VN_AQI_BREAKPOINTS = {
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  o3_8h: [0, 100, 120, 170, 210, 400],
  co: [0, 10000, 30000, 45000, 60000, 90000, 120000, 150000],
  so2: [0, 125, 350, 550, 800, 1600, 2100, 2630],
  no2: [0, 100, 200, 700, 1200, 2350, 3100, 3850],
  pm10: [0, 50, 150, 250, 350, 420, 500, 600],
  pm25: [0, 25, 50, 80, 150, 250, 350, 500],
} as const satisfies Record<string, readonly number[]>;
export type VnAqiTable = keyof typeof VN_AQI_BREAKPOINTS;

export interface VnAqiCategory {
  /** 1 (Tốt) to 6 (Nguy hại). */
  level: number;
  min: number;
  max: number;
  /** Vietnamese names are official; English names are translations. */
  name: { vi: string; en: string };
  color: string;
}

/** Table 1 of the Decision; colours as its RGB codes. */
export const VN_AQI_CATEGORIES: readonly VnAqiCategory[] = [
  { level: 1, min: 0, max: 50, name: { vi: 'Tốt', en: 'Good' }, color: '#00E400' },
  { level: 2, min: 51, max: 100, name: { vi: 'Trung bình', en: 'Moderate' }, color: '#FFFF00' },
  { level: 3, min: 101, max: 150, name: { vi: 'Kém', en: 'Poor' }, color: '#FF7E00' },
  { level: 4, min: 151, max: 200, name: { vi: 'Xấu', en: 'Bad' }, color: '#FF0000' },
  { level: 5, min: 201, max: 300, name: { vi: 'Rất xấu', en: 'Very bad' }, color: '#8F3F97' },
  { level: 6, min: 301, max: 500, name: { vi: 'Nguy hại', en: 'Hazardous' }, color: '#7E0023' },
];

export interface VnAqiResult {
  /** The index: the largest sub-index, an integer. */
  aqi: number;
  category: VnAqiCategory;
  /** The pollutant with the largest sub-index, which the Decision requires publishing. */
  dominant: VnAqiPollutant;
  /** Rounded sub-index per pollutant that had a value. */
  subIndices: Partial<Record<VnAqiPollutant, number>>;
}

export function roundHalfUp(value: number): number {
  return Math.floor(value + 0.5 + 1e-9);
}

/** The category of an integer index (round first: 50.4 is Tốt, 50.5 rounds to 51, Trung bình). */
export function vnAqiCategory(aqi: number): VnAqiCategory {
  for (const category of VN_AQI_CATEGORIES) if (aqi <= category.max) return category;
  return VN_AQI_CATEGORIES[VN_AQI_CATEGORIES.length - 1];
}

function isConcentration(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Formula 1/2 of the Decision: linear interpolation between the breakpoints around `concentration`.
 * Unrounded. Undefined for a missing concentration and for O3 8 h above 400 (not computed).
 */
export function subIndex(table: VnAqiTable, concentration: number | null | undefined): number | undefined {
  if (!isConcentration(concentration)) return undefined;
  const bp: readonly number[] = VN_AQI_BREAKPOINTS[table];
  const top = bp.length - 1;
  if (concentration >= bp[top]) return table === 'o3_8h' && concentration > bp[top] ? undefined : VN_AQI_LEVELS[top];
  let i = 0;
  while (concentration > bp[i + 1]) i++;
  return ((VN_AQI_LEVELS[i + 1] - VN_AQI_LEVELS[i]) / (bp[i + 1] - bp[i])) * (concentration - bp[i]) + VN_AQI_LEVELS[i];
}

/**
 * NowCast of PM from the last 12 hourly means, newest first (c1 … c12); missing hours as
 * null/undefined. w* = Cmin/Cmax over the hours present, w = max(w*, ½),
 * NowCast = Σ w^(i−1)·ci / Σ w^(i−1) over the hours present. Undefined unless at least two of
 * c1–c3 are present.
 */
export function nowCast(hourlyNewestFirst: ReadonlyArray<number | null | undefined>): number | undefined {
  const hours = Math.min(12, hourlyNewestFirst.length);
  let recent = 0;
  for (let i = 0; i < Math.min(3, hours); i++) if (isConcentration(hourlyNewestFirst[i])) recent++;
  if (recent < 2) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < hours; i++) {
    const c = hourlyNewestFirst[i];
    if (!isConcentration(c)) continue;
    if (c < min) min = c;
    if (c > max) max = c;
  }
  if (max === 0) return 0;
  const w = Math.max(min / max, 0.5);
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < hours; i++) {
    const c = hourlyNewestFirst[i];
    if (!isConcentration(c)) continue;
    const weight = w ** i;
    weighted += weight * c;
    weights += weight;
  }
  return weighted / weights;
}

function combine(subIndices: Partial<Record<VnAqiPollutant, number | undefined>>): VnAqiResult | undefined {
  if (subIndices.pm25 === undefined && subIndices.pm10 === undefined) return undefined;
  const rounded: Partial<Record<VnAqiPollutant, number>> = {};
  let dominant: VnAqiPollutant = 'pm25';
  let aqi = -1;
  for (const pollutant of VN_AQI_POLLUTANTS) {
    const value = subIndices[pollutant];
    if (value === undefined) continue;
    const index = roundHalfUp(value);
    rounded[pollutant] = index;
    if (index > aqi) {
      aqi = index;
      dominant = pollutant;
    }
  }
  return { aqi, category: vnAqiCategory(aqi), dominant, subIndices: rounded };
}

export interface HourlyVnAqiInput {
  /** Hourly means of the last 12 hours, newest (the hour being indexed) first. */
  pm25?: ReadonlyArray<number | null | undefined>;
  pm10?: ReadonlyArray<number | null | undefined>;
  /** 1-hour means of the hour being indexed. */
  o3?: number | null;
  co?: number | null;
  so2?: number | null;
  no2?: number | null;
}

export interface HourlyVnAqiResult extends VnAqiResult {
  nowCast: { pm25?: number; pm10?: number };
}

/**
 * Hourly AQI (AQI^h): SO2, CO, NO2 and O3 from their 1-hour means (O3 on the 1-hour table),
 * PM10 and PM2.5 from NowCast. Undefined when neither PM has a NowCast: the Decision requires one.
 */
export function hourlyVnAqi(input: HourlyVnAqiInput): HourlyVnAqiResult | undefined {
  const pm25 = input.pm25 ? nowCast(input.pm25) : undefined;
  const pm10 = input.pm10 ? nowCast(input.pm10) : undefined;
  const result = combine({
    pm25: subIndex('pm25', pm25),
    pm10: subIndex('pm10', pm10),
    o3: subIndex('o3_1h', input.o3),
    co: subIndex('co', input.co),
    so2: subIndex('so2', input.so2),
    no2: subIndex('no2', input.no2),
  });
  if (!result) return undefined;
  return { ...result, nowCast: { ...(pm25 === undefined ? {} : { pm25 }), ...(pm10 === undefined ? {} : { pm10 }) } };
}

/** What a day's index is computed from (see `dailyAggregates`). */
export interface DailyVnAqiInput {
  pm25Mean24h?: number;
  pm10Mean24h?: number;
  o3Max1h?: number;
  o3Max8h?: number;
  coMax1h?: number;
  so2Max1h?: number;
  no2Max1h?: number;
}

/**
 * Daily AQI (AQI^d): PM from 24-hour means; O3 the larger of the daily-max 1-hour and
 * daily-max 8-hour sub-indices, the 8-hour one skipped when its value exceeds 400; SO2, NO2 and
 * CO from their daily-max 1-hour means. Undefined without a PM value.
 */
export function dailyVnAqi(input: DailyVnAqiInput): VnAqiResult | undefined {
  const o3Hour = subIndex('o3_1h', input.o3Max1h);
  const o3Eight = subIndex('o3_8h', input.o3Max8h);
  const o3 = o3Hour === undefined ? o3Eight : o3Eight === undefined ? o3Hour : Math.max(o3Hour, o3Eight);
  return combine({
    pm25: subIndex('pm25', input.pm25Mean24h),
    pm10: subIndex('pm10', input.pm10Mean24h),
    o3,
    co: subIndex('co', input.coMax1h),
    so2: subIndex('so2', input.so2Max1h),
    no2: subIndex('no2', input.no2Max1h),
  });
}

const MIN_HOURS_24H = 18;
const MIN_HOURS_8H = 6;

type HourlySeries = ReadonlyArray<number | null | undefined>;

function meanOf(values: HourlySeries, from: number, to: number, minPresent: number): number | undefined {
  let sum = 0;
  let present = 0;
  for (let i = from; i < to; i++) {
    const c = values[i];
    if (!isConcentration(c)) continue;
    sum += c;
    present++;
  }
  return present >= minPresent ? sum / present : undefined;
}

function maxOf(values: HourlySeries): number | undefined {
  let max: number | undefined;
  for (const c of values) if (isConcentration(c) && (max === undefined || c > max)) max = c;
  return max;
}

export interface DayOfHourlyMeans {
  /**
   * The day's 24 hourly means in order, index 0 = 00:00–01:00 local (labelled 01:00 in the
   * Decision, whose day runs 01:00–00:00); missing hours as null/undefined.
   */
  pm25?: HourlySeries;
  pm10?: HourlySeries;
  co?: HourlySeries;
  so2?: HourlySeries;
  no2?: HourlySeries;
  /** O3 for the 7 hours before the day then the day's 24, oldest first (31 values), for 8-hour means. */
  o3WithPreviousSeven?: HourlySeries;
}

/**
 * The Decision's daily inputs from a day of hourly means: 24-hour means, daily-max 1-hour
 * values and the daily max of the 24 rolling 8-hour means ending at each of the day's hours.
 */
export function dailyAggregates(day: DayOfHourlyMeans): DailyVnAqiInput {
  const result: DailyVnAqiInput = {};
  const pm25 = day.pm25 && meanOf(day.pm25, 0, 24, MIN_HOURS_24H);
  const pm10 = day.pm10 && meanOf(day.pm10, 0, 24, MIN_HOURS_24H);
  if (pm25 !== undefined) result.pm25Mean24h = pm25;
  if (pm10 !== undefined) result.pm10Mean24h = pm10;
  const co = day.co && maxOf(day.co.slice(0, 24));
  const so2 = day.so2 && maxOf(day.so2.slice(0, 24));
  const no2 = day.no2 && maxOf(day.no2.slice(0, 24));
  if (co !== undefined) result.coMax1h = co;
  if (so2 !== undefined) result.so2Max1h = so2;
  if (no2 !== undefined) result.no2Max1h = no2;
  const o3 = day.o3WithPreviousSeven;
  if (o3) {
    const max1h = maxOf(o3.slice(7, 31));
    if (max1h !== undefined) result.o3Max1h = max1h;
    let max8h: number | undefined;
    for (let end = 8; end <= 31; end++) {
      const mean = meanOf(o3, end - 8, end, MIN_HOURS_8H);
      if (mean !== undefined && (max8h === undefined || mean > max8h)) max8h = mean;
    }
    if (max8h !== undefined) result.o3Max8h = max8h;
  }
  return result;
}
