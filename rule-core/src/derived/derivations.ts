import { METRICS, type Domain, type MetricName, type Reading, type RuleStateCheckpoint } from '../../../contracts/src/index.js';
import { HOUR_MS } from '../../../contracts/src/index.js';
import { HourlyAverages } from './hourly-average.js';
import { StationAqi } from './station-aqi.js';

/** `Reading.derived` of the hourly VN_AQI (AQI^h) of a station, `ts` = start of the hour. */
export const VN_AQI_HOURLY = 'vn-aqi-hourly';
/** `Reading.derived` of the daily VN_AQI (AQI^d) of a station, `ts` = local midnight starting the day. */
export const VN_AQI_DAILY = 'vn-aqi-daily';

const NOTHING: readonly Reading[] = Object.freeze([]);

/** The measured metrics of each domain; derived-only metrics (VN_AQI) are never averaged. */
const MEASURED_BY_DOMAIN = new Map<Domain, MetricName[]>();
for (const [name, info] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
  if (name === 'vnAqi') continue;
  const list = MEASURED_BY_DOMAIN.get(info.domain) ?? [];
  list.push(name);
  MEASURED_BY_DOMAIN.set(info.domain, list);
}

/**
 * The processor's derived readings, computed from the readings as they pass:
 * - every device's hourly means (`derived: 'hourly-mean'`, the metrics keep their names);
 * - for air-quality stations, VN_AQI from those means (`vnAqi`, `derived: 'vn-aqi-hourly'`
 *   every hour with a PM NowCast, `'vn-aqi-daily'` once a local day is complete), per station:
 *   the reading's `deviceId` is the station's `siteId`, so a station whose pollutants come from
 *   several devices still has one index.
 * The processor publishes them to `ioc.telemetry`, so the store, the dashboard and the rules
 * (rules select them with `derived`) treat them like measured readings. Derived readings fed
 * back in are ignored, so consuming its own output is harmless.
 */
export class Derivations {
  private readonly hourly = new Map<Domain, HourlyAverages>();
  private readonly stations = new Map<string, StationAqi>();

  constructor() {
    for (const [domain, metrics] of MEASURED_BY_DOMAIN) this.hourly.set(domain, new HourlyAverages(metrics));
  }

  /** The derived readings `reading` completes (usually none): the previous hour's means, and the station's VN_AQI. */
  add(reading: Reading): readonly Reading[] {
    if (reading.derived !== undefined) return NOTHING;
    const means = this.hourly.get(reading.domain)!.add(reading);
    return means === undefined ? NOTHING : this.withAqi(means);
  }

  /**
   * What is kept under `id` for a checkpoint: the hour of the device's readings being averaged
   * (in its domain) and, for a station, the hourly means its VN_AQI is computed from.
   */
  save(id: string, domain: Domain): Pick<RuleStateCheckpoint, 'hourly' | 'stationAqi'> {
    const hourly = this.hourly.get(domain)?.save(id);
    const stationAqi = this.stations.get(id)?.save();
    return { ...(hourly ? { hourly } : {}), ...(stationAqi ? { stationAqi } : {}) };
  }

  /** Continues from a checkpoint's derived state; state held here that is as new or newer is kept. */
  load(checkpoint: RuleStateCheckpoint): void {
    const { deviceId, place, hourly, stationAqi } = checkpoint;
    if (hourly !== undefined) this.hourly.get(place.domain)?.load(deviceId, place, hourly);
    if (stationAqi !== undefined) {
      let station = this.stations.get(deviceId);
      if (station === undefined) {
        station = new StationAqi();
        this.stations.set(deviceId, station);
      }
      station.load(stationAqi);
    }
  }

  /** Drops what is kept under `id` (see `save`): its readings now go to another processor instance. */
  forget(id: string): void {
    for (const averages of this.hourly.values()) averages.forget(id);
    this.stations.delete(id);
  }

  /** Closes every open hour, for the end of a recording. */
  flush(): Reading[] {
    const derived: Reading[] = [];
    for (const averages of this.hourly.values()) {
      for (const means of averages.flush()) derived.push(...this.withAqi(means));
    }
    return derived;
  }

  private withAqi(means: Reading): Reading[] {
    if (means.kind !== 'air-station') return [means];
    let station = this.stations.get(means.siteId);
    if (station === undefined) {
      station = new StationAqi();
      this.stations.set(means.siteId, station);
    }
    const update = station.addHourlyMeans(means);
    const derived = [means];
    const place = { deviceId: means.siteId, domain: means.domain, kind: means.kind, siteId: means.siteId, ward: means.ward, receivedAt: means.receivedAt };
    if (update.hourly) {
      const { hourStart, result } = update.hourly;
      derived.push({ ...place, ts: hourStart, seq: hourStart / HOUR_MS, metrics: { vnAqi: result.aqi }, derived: VN_AQI_HOURLY });
    }
    if (update.daily) {
      const { dayStart, result } = update.daily;
      derived.push({ ...place, ts: dayStart, seq: dayStart / HOUR_MS, metrics: { vnAqi: result.aqi }, derived: VN_AQI_DAILY });
    }
    return derived;
  }
}
