import type { Reading } from '../../../contracts/src/index.js';
import type { Station } from '../ws-messages.js';

/**
 * Latest value of each metric per station, from `ioc.telemetry`. Readings older than what the
 * station already shows (a redelivery, a late device) are ignored. Derived readings (hourly
 * averages, indices) are left out: the panel shows what the devices measured. Pure.
 */
export class StationStore {
  private readonly stations = new Map<string, Station>();

  /** Returns the updated station, or null when the reading changed nothing. */
  apply(reading: Reading): Station | null {
    if (reading.derived !== undefined) return null;
    const current = this.stations.get(reading.siteId);
    if (current && reading.ts < current.ts) return null;
    const station: Station = {
      siteId: reading.siteId,
      domain: reading.domain,
      ward: reading.ward,
      kind: reading.kind,
      deviceId: reading.deviceId,
      ts: reading.ts,
      metrics: { ...current?.metrics, ...reading.metrics },
      ...(reading.powerState === undefined ? {} : { powerState: reading.powerState }),
      ...(reading.faults === undefined ? {} : { faults: reading.faults }),
    };
    this.stations.set(station.siteId, station);
    return station;
  }

  get(siteId: string): Station | undefined {
    return this.stations.get(siteId);
  }

  /** By domain, then station id. */
  list(): Station[] {
    return [...this.stations.values()].sort((a, b) => a.domain.localeCompare(b.domain) || a.siteId.localeCompare(b.siteId));
  }
}
