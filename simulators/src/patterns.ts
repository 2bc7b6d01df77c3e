import type { LocalTime } from '../../contracts/src/index.js';

/**
 * Daily and seasonal shapes shared by the value models, all in local time (UTC+7). Hourly tables
 * are interpolated linearly so values move smoothly between hours.
 */

/** Weekday traffic relative to the rush-hour peak: morning 07–09, evening 17–19. */
const WEEKDAY_TRAFFIC = [
  0.12, 0.07, 0.05, 0.05, 0.08, 0.22, 0.55, 0.95, 1.0, 0.75, 0.62, 0.62, 0.55, 0.55, 0.6, 0.68, 0.82, 1.0, 0.98, 0.75, 0.6, 0.5, 0.35, 0.2,
];
/** Weekends: no school or office run in the morning, busy evenings. */
const WEEKEND_TRAFFIC = [
  0.15, 0.09, 0.06, 0.05, 0.06, 0.14, 0.3, 0.5, 0.62, 0.66, 0.66, 0.64, 0.6, 0.58, 0.6, 0.66, 0.76, 0.86, 0.9, 0.85, 0.75, 0.62, 0.42, 0.25,
];

/**
 * PM2.5 by hour relative to the daily mean, from six years of hourly data at the U.S. Embassy
 * monitor in Hà Nội (shared/data/hanoi-pm25): a morning peak around 09–10, an evening peak
 * around 21, the afternoon low when the mixing layer is deepest.
 */
const PM25_BY_HOUR = [
  1.01, 1.0, 0.98, 1.01, 1.01, 1.01, 1.05, 1.07, 1.07, 1.09, 1.09, 1.04, 1.0, 0.94, 0.88, 0.83, 0.83, 0.85, 0.89, 0.98, 1.05, 1.08, 1.07, 1.03,
];
/** Monthly PM2.5 means (µg/m³) from the same recording: dry winters are the bad season in the north. */
export const PM25_MONTHLY_MEAN = [62, 61, 48, 41, 29, 31, 24, 28, 37, 48, 58, 70];

/** Monthly mean water temperature (°C) of northern rivers: cool winters, warm monsoon summers. */
export const WATER_TEMPERATURE_BY_MONTH = [17, 18, 20, 24, 28, 30, 31, 30, 29, 26, 23, 19];

export function trafficLevel(t: LocalTime): number {
  return interpolate(t.weekend ? WEEKEND_TRAFFIC : WEEKDAY_TRAFFIC, t.hour);
}

export function pm25HourFactor(t: LocalTime): number {
  return interpolate(PM25_BY_HOUR, t.hour);
}

/** 0 at night, 1 at the 14:00 peak of sunlight-driven chemistry (ozone) and photosynthesis. */
export function sunlight(t: LocalTime): number {
  return Math.max(0, Math.sin((Math.PI * (t.hour - 6)) / 14)) ** 1.5;
}

/** Street lamps switch on at dusk and off at dawn (local hours). */
export const LAMP_ON_HOUR = 18;
export const LAMP_OFF_HOUR = 5.75;

/**
 * The dimming profile most Vietnamese cities use to save energy: full light in the evening,
 * reduced after 22:00 and deepest after midnight, back up for the dawn commute; 0 means off.
 * `shiftHours` moves the schedule for one controller's clock or photocell.
 */
export function lampDimming(t: LocalTime, shiftHours = 0): number {
  const h = (t.hour - shiftHours + 24) % 24;
  if (h >= LAMP_ON_HOUR && h < 22) return 100;
  if (h >= 22) return 70;
  if (h < 4.5) return 50;
  if (h < LAMP_OFF_HOUR) return 80;
  return 0;
}

function interpolate(table: readonly number[], hour: number): number {
  const i = Math.floor(hour) % 24;
  const f = hour - Math.floor(hour);
  return table[i] * (1 - f) + table[(i + 1) % 24] * f;
}
