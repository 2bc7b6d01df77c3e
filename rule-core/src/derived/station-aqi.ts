import type { Reading, SavedHours, SavedStationAqi } from '../../../contracts/src/index.js';
import { fromSaved, toSaved } from '../anomaly/saved-number.js';
import { DAY_MS, HOUR_MS, localDayStart, localHourOfDay } from '../../../contracts/src/index.js';
import { dailyAggregates, dailyVnAqi, hourlyVnAqi, VN_AQI_POLLUTANTS, type HourlyVnAqiResult, type VnAqiPollutant, type VnAqiResult } from './vn-aqi.js';

/** Hours kept per pollutant: a day plus the 7 before it, for O3's 8-hour means. */
const HOURS_KEPT = 32;

/** The last HOURS_KEPT hourly means of one pollutant, indexed by hour number; a gap reads as missing. */
class HourlyHistory {
  private readonly hours = new Float64Array(HOURS_KEPT).fill(NaN);
  private readonly values = new Float64Array(HOURS_KEPT);

  set(hour: number, value: number): void {
    this.hours[hour % HOURS_KEPT] = hour;
    this.values[hour % HOURS_KEPT] = value;
  }

  get(hour: number): number | undefined {
    return this.hours[hour % HOURS_KEPT] === hour ? this.values[hour % HOURS_KEPT] : undefined;
  }

  /** The hours held, oldest first; undefined when none is. */
  save(): SavedHours | undefined {
    let newest = -Infinity;
    for (const hour of this.hours) if (hour > newest) newest = hour;
    if (newest === -Infinity) return undefined;
    const from = newest - HOURS_KEPT + 1;
    const means = this.oldestFirst(from, HOURS_KEPT).map((mean) => mean ?? null);
    const first = means.findIndex((mean) => mean !== null);
    return { from: from + first, means: means.slice(first) };
  }

  /** Takes the saved hours a newer hour does not already hold the place of. */
  load(saved: SavedHours): void {
    saved.means.forEach((mean, i) => {
      const hour = saved.from + i;
      const held = this.hours[hour % HOURS_KEPT];
      if (mean !== null && (Number.isNaN(held) || held < hour)) this.set(hour, mean);
    });
  }

  /** `count` hours ending at `lastHour`, newest first. */
  newestFirst(lastHour: number, count: number): (number | undefined)[] {
    return Array.from({ length: count }, (_, i) => this.get(lastHour - i));
  }

  /** `count` hours starting at `firstHour`, oldest first. */
  oldestFirst(firstHour: number, count: number): (number | undefined)[] {
    return Array.from({ length: count }, (_, i) => this.get(firstHour + i));
  }
}

export interface StationAqiUpdate {
  /** AQI^h of the hour just averaged, when a PM NowCast exists. */
  hourly?: { hourStart: number; result: HourlyVnAqiResult };
  /** AQI^d of a day once its last hour (23:00–24:00) or a later hour has been averaged. */
  daily?: { dayStart: number; result: VnAqiResult };
}

/**
 * VN_AQI for one air-quality station, fed with its hourly-mean readings (see HourlyAverages)
 * in hour order. Each hour yields the hourly index; the day's index follows its last hour, or the
 * first hour of a later day when the last hour is missing. Memory: 6 × 32 hourly values.
 */
export class StationAqi {
  private readonly history = new Map<VnAqiPollutant, HourlyHistory>(VN_AQI_POLLUTANTS.map((p) => [p, new HourlyHistory()]));
  private pendingDay = NaN;

  addHourlyMeans(reading: Reading): StationAqiUpdate {
    const hour = Math.floor(reading.ts / HOUR_MS);
    for (const pollutant of VN_AQI_POLLUTANTS) {
      const mean = reading.metrics[pollutant];
      if (mean !== undefined) this.history.get(pollutant)!.set(hour, mean);
    }
    const update: StationAqiUpdate = {};
    const hourly = hourlyVnAqi({
      pm25: this.series('pm25').newestFirst(hour, 12),
      pm10: this.series('pm10').newestFirst(hour, 12),
      o3: this.series('o3').get(hour),
      co: this.series('co').get(hour),
      so2: this.series('so2').get(hour),
      no2: this.series('no2').get(hour),
    });
    if (hourly) update.hourly = { hourStart: reading.ts, result: hourly };

    const day = localDayStart(reading.ts);
    if (day > this.pendingDay) {
      const daily = this.daily(this.pendingDay);
      if (daily) update.daily = { dayStart: this.pendingDay, result: daily };
    }
    if (localHourOfDay(reading.ts) === 23) {
      const daily = this.daily(day);
      if (daily) update.daily = { dayStart: day, result: daily };
      this.pendingDay = day + DAY_MS;
    } else if (!(day < this.pendingDay)) this.pendingDay = day;
    return update;
  }

  save(): SavedStationAqi {
    const hours: SavedStationAqi['hours'] = {};
    for (const [pollutant, history] of this.history) {
      const saved = history.save();
      if (saved !== undefined) hours[pollutant] = saved;
    }
    return { pendingDay: toSaved(this.pendingDay), hours };
  }

  /** Merges `save()`'s value in: hours not held yet are taken, and the day still due if none is. */
  load(saved: SavedStationAqi): void {
    for (const [pollutant, history] of this.history) {
      const hours = saved.hours[pollutant];
      if (hours !== undefined) history.load(hours);
    }
    if (Number.isNaN(this.pendingDay)) this.pendingDay = fromSaved(saved.pendingDay);
  }

  private daily(dayStart: number): VnAqiResult | undefined {
    const first = dayStart / HOUR_MS;
    return dailyVnAqi(
      dailyAggregates({
        pm25: this.series('pm25').oldestFirst(first, 24),
        pm10: this.series('pm10').oldestFirst(first, 24),
        co: this.series('co').oldestFirst(first, 24),
        so2: this.series('so2').oldestFirst(first, 24),
        no2: this.series('no2').oldestFirst(first, 24),
        o3WithPreviousSeven: this.series('o3').oldestFirst(first - 7, 31),
      }),
    );
  }

  private series(pollutant: VnAqiPollutant): HourlyHistory {
    return this.history.get(pollutant)!;
  }
}
