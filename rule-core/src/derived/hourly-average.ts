import { METRICS, type MetricName, type Reading, type RuleStateCheckpoint, type SavedHour } from '../../../contracts/src/index.js';
import { HOUR_MS, localHourStart } from '../../../contracts/src/index.js';

/** `Reading.derived` of an hourly mean. */
export const HOURLY_MEAN = 'hourly-mean';

interface DeviceHour {
  hourStart: number;
  last: Reading;
  sums: Float64Array;
  counts: Float64Array;
}

/**
 * Hourly means of the chosen metrics for every device, keyed on the local (Asia/Ho_Chi_Minh)
 * hour, emitted as readings of their own (`derived: 'hourly-mean'`, `ts` = start of the hour,
 * `seq` = hours since 1970) so rules, the store and the dashboard treat them like measurements.
 * An hour is complete when the device's first reading of a later hour arrives; readings of an
 * hour already closed are late and ignored. Vietnam's hours start on whole UTC hours (UTC+7).
 * Values outside the metric's physical range (METRICS) are left out of the mean; derived
 * readings are never averaged again.
 *
 * O(metrics) per reading; memory per device: one small object and 16 bytes per metric.
 */
export class HourlyAverages {
  private readonly devices = new Map<string, DeviceHour>();

  constructor(readonly metrics: readonly MetricName[]) {}

  /** Returns the device's previous hour as a derived reading when `reading` opens a new hour. */
  add(reading: Reading): Reading | undefined {
    if (reading.derived !== undefined) return undefined;
    const hour = localHourStart(reading.ts);
    let state = this.devices.get(reading.deviceId);
    if (!state) {
      state = { hourStart: hour, last: reading, sums: new Float64Array(this.metrics.length), counts: new Float64Array(this.metrics.length) };
      this.devices.set(reading.deviceId, state);
    }
    if (hour < state.hourStart) return undefined;
    const completed = hour > state.hourStart ? this.close(state, reading.receivedAt) : undefined;
    state.hourStart = hour;
    state.last = reading;
    for (let i = 0; i < this.metrics.length; i++) {
      const metric = this.metrics[i];
      const value = reading.metrics[metric];
      if (value === undefined) continue;
      const [min, max] = METRICS[metric].range;
      if (value < min || value > max) continue;
      state.sums[i] += value;
      state.counts[i]++;
    }
    return completed;
  }

  /** The device's hour being averaged, for a checkpoint; undefined when none is. */
  save(deviceId: string): SavedHour | undefined {
    const state = this.devices.get(deviceId);
    if (state === undefined) return undefined;
    const sums: SavedHour['sums'] = {};
    for (let i = 0; i < this.metrics.length; i++) if (state.counts[i] > 0) sums[this.metrics[i]] = [state.sums[i], state.counts[i]];
    const { ts, seq, receivedAt } = state.last;
    return { hourStart: state.hourStart, lastTs: ts, lastSeq: seq, receivedAt, sums };
  }

  /** Continues the device's hour from `save()`'s value, unless a reading as new or newer was averaged here already. */
  load(deviceId: string, place: RuleStateCheckpoint['place'], saved: SavedHour): void {
    const held = this.devices.get(deviceId);
    if (held !== undefined && held.last.ts >= saved.lastTs) return;
    const last: Reading = { deviceId, ...place, ts: saved.lastTs, seq: saved.lastSeq, receivedAt: saved.receivedAt, metrics: {} };
    const state: DeviceHour = { hourStart: saved.hourStart, last, sums: new Float64Array(this.metrics.length), counts: new Float64Array(this.metrics.length) };
    this.metrics.forEach((metric, i) => {
      const [sum, count] = saved.sums[metric] ?? [0, 0];
      state.sums[i] = sum;
      state.counts[i] = count;
    });
    this.devices.set(deviceId, state);
  }

  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Closes every device's open hour, for the end of a recording. */
  flush(): Reading[] {
    const readings: Reading[] = [];
    for (const state of this.devices.values()) {
      const reading = this.close(state, state.last.receivedAt);
      if (reading) readings.push(reading);
    }
    return readings;
  }

  private close(state: DeviceHour, receivedAt: number): Reading | undefined {
    const metrics: Reading['metrics'] = {};
    let any = false;
    for (let i = 0; i < this.metrics.length; i++) {
      if (state.counts[i] === 0) continue;
      metrics[this.metrics[i]] = state.sums[i] / state.counts[i];
      any = true;
    }
    state.sums.fill(0);
    state.counts.fill(0);
    if (!any) return undefined;
    const { deviceId, domain, kind, siteId, ward } = state.last;
    return { deviceId, domain, kind, siteId, ward, ts: state.hourStart, seq: state.hourStart / HOUR_MS, receivedAt, metrics, derived: HOURLY_MEAN };
  }
}
