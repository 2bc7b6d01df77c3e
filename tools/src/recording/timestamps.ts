import { VIETNAM_TIME_ZONE, VIETNAM_UTC_OFFSET_MS } from '../../../contracts/src/index.js';

const ZONES: Record<string, number> = { UTC: 0, Z: 0, [VIETNAM_TIME_ZONE]: VIETNAM_UTC_OFFSET_MS / 60_000 };

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * Minutes east of UTC for a recording's `timezone` option: "UTC", "Asia/Ho_Chi_Minh" or a fixed
 * offset such as "+07:00". Undefined for anything else: zones with daylight saving would make
 * zone-less local times ambiguous, and Vietnam has none.
 */
export function timezoneOffsetMinutes(timezone: string): number | undefined {
  if (timezone in ZONES) return ZONES[timezone];
  const match = OFFSET.exec(timezone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return minutes > 14 * 60 ? undefined : match[1] === '-' ? -minutes : minutes;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch milliseconds of "YYYY-MM-DD HH:MM[:SS[.fff…]]" (space or "T"), with an optional zone
 * (Z or ±HH:MM). A time without a zone is read at `defaultOffsetMinutes` east of UTC — NAB's
 * timestamps have none and are read as UTC. NaN when the text is not such a time.
 */
export function parseTimestamp(text: string, defaultOffsetMinutes = 0): number {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return NaN;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = m;
  const offset = zone === undefined ? defaultOffsetMinutes : timezoneOffsetMinutes(zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone);
  if (offset === undefined) return NaN;
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over into March; refuse it instead.
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(hour) || Number(minute) > 59 || Number(second) > 59) return NaN;
  return utc - offset * 60_000;
}
