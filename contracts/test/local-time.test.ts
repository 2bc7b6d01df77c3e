import { describe, expect, it } from 'vitest';
import { localDayStart, localHourOfDay, localHourOfWeek, localHourStart, localMinuteOfDay } from '../src/local-time.js';

const at = (iso: string) => Date.parse(iso);

describe('Vietnam local time', () => {
  it('is UTC+7: 17:00 UTC is midnight in Hà Nội', () => {
    expect(localHourOfDay(at('2024-03-10T17:00:00Z'))).toBe(0);
    expect(localHourOfDay(at('2024-03-10T16:59:59Z'))).toBe(23);
    expect(localMinuteOfDay(at('2024-03-10T23:30:00Z'))).toBe(6 * 60 + 30);
  });

  it('counts hours of the week from Monday 00:00 local', () => {
    expect(localHourOfWeek(at('2024-03-11T00:00:00+07:00'))).toBe(0); // a Monday
    expect(localHourOfWeek(at('2024-03-11T08:15:00+07:00'))).toBe(8);
    expect(localHourOfWeek(at('2024-03-17T23:59:00+07:00'))).toBe(167); // the Sunday after
    expect(localHourOfWeek(at('2024-03-13T21:00:00+07:00'))).toBe(2 * 24 + 21); // Wednesday
  });

  it('finds the start of the local hour and of the local day', () => {
    expect(localHourStart(at('2024-03-10T08:42:10+07:00'))).toBe(at('2024-03-10T08:00:00+07:00'));
    expect(localDayStart(at('2024-03-10T06:59:00+07:00'))).toBe(at('2024-03-10T00:00:00+07:00'));
    expect(localDayStart(at('2024-03-10T23:59:59+07:00'))).toBe(at('2024-03-10T00:00:00+07:00'));
  });
});
