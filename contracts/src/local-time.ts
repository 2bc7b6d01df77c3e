/**
 * Local time in Vietnam: Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving), so local
 * hours are plain arithmetic on epoch milliseconds, with no time-zone database on the hot path.
 */
export const VIETNAM_UTC_OFFSET_MS = 7 * 3600_000;
/** The zone's IANA name, for `Intl` and user-facing text. */
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;

/** 1970-01-01 was a Thursday; this shifts day numbers so that Monday is day 0 of the week. */
const MONDAY_SHIFT = 3;

/** Start (epoch ms) of the local hour containing `ts`; local hours start on whole UTC hours. */
export function localHourStart(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** Start (epoch ms) of the local day (00:00 Asia/Ho_Chi_Minh) containing `ts`. */
export function localDayStart(ts: number): number {
  return Math.floor((ts + VIETNAM_UTC_OFFSET_MS) / DAY_MS) * DAY_MS - VIETNAM_UTC_OFFSET_MS;
}

/** Local hour of the day, 0–23. */
export function localHourOfDay(ts: number): number {
  return Math.floor((ts + VIETNAM_UTC_OFFSET_MS) / HOUR_MS) % 24;
}

/** Local hour of the week, 0–167, counted from Monday 00:00. */
export function localHourOfWeek(ts: number): number {
  const localHours = Math.floor((ts + VIETNAM_UTC_OFFSET_MS) / HOUR_MS);
  const day = (Math.floor(localHours / 24) + MONDAY_SHIFT) % 7;
  return day * 24 + (localHours % 24);
}

/** Local minutes after midnight, 0–1439, for time-of-day limits. */
export function localMinuteOfDay(ts: number): number {
  return Math.floor((ts + VIETNAM_UTC_OFFSET_MS) / 60_000) % 1440;
}

export interface LocalTime {
  /** Hours since local midnight, with fractions: 18.5 is 18:30. */
  hour: number;
  /** 1 = January. */
  month: number;
  /** Saturday or Sunday. */
  weekend: boolean;
}

/** The wall clock in Vietnam at `ts`: daily patterns (rush hours, lamp schedules) follow it, not UTC. */
export function localTime(ts: number): LocalTime {
  const shifted = new Date(ts + VIETNAM_UTC_OFFSET_MS);
  const hour = shifted.getUTCHours() + shifted.getUTCMinutes() / 60 + shifted.getUTCSeconds() / 3600;
  const weekday = shifted.getUTCDay();
  return { hour, month: shifted.getUTCMonth() + 1, weekend: weekday === 0 || weekday === 6 };
}

/** Formats epoch ms as local `YYYY-MM-DD HH:MM` for status lines. */
export function formatLocal(ts: number): string {
  return new Date(ts + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
