/**
 * Vietnamese local time (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight saving). Daily patterns
 * (rush hours, lamp schedules, noise limits) follow the clock on the wall, not UTC.
 */
const OFFSET_MS = 7 * 3600 * 1000;

export interface LocalTime {
  /** Hours since local midnight, with fractions: 18.5 is 18:30. */
  hour: number;
  /** 1 = January. */
  month: number;
  /** Saturday or Sunday. */
  weekend: boolean;
}

export function localTime(epochMs: number): LocalTime {
  const shifted = new Date(epochMs + OFFSET_MS);
  const hour = shifted.getUTCHours() + shifted.getUTCMinutes() / 60 + shifted.getUTCSeconds() / 3600;
  const weekday = shifted.getUTCDay();
  return { hour, month: shifted.getUTCMonth() + 1, weekend: weekday === 0 || weekday === 6 };
}

/** Formats epoch ms as local `YYYY-MM-DD HH:MM` for status lines. */
export function formatLocal(epochMs: number): string {
  return new Date(epochMs + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
