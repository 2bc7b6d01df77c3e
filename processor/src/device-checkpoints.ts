import type { DeviceCheckpoint, Reading } from '../../contracts/src/index.js';
import type { ReportIntervalSnapshot } from '../../rule-core/src/index.js';
import type { DevicePlace } from '../../rule-core/src/index.js';

/** What the bookkeeping below needs of the rule engine. */
export interface WatchedDevices {
  /** The device's learned report interval; undefined when no rule of the device learns one. */
  reportInterval(deviceId: string): ReportIntervalSnapshot | undefined;
  /** Starts watching a device known only from its checkpoint; a device already known is left alone. */
  watchDevice(place: DevicePlace, reportInterval: ReportIntervalSnapshot): void;
  /** Stops watching a device whose readings now go to another instance; its unresolved alerts are remembered. */
  forgetDevice(deviceId: string): void;
}

interface Seen {
  place: DevicePlace;
  partition: number;
  lastReceivedAt: number;
}

/**
 * Which devices this processor instance watches, and what it checkpoints about them on
 * `ioc.devices`. Pure bookkeeping; the processor does the publishing and reading.
 *
 * Telemetry is split between instances by partition, so an instance watches exactly the devices
 * of the partitions it owns:
 * - a restarted instance would otherwise know only the devices that spoke since it started, and
 *   a device that went quiet while it was down would never be reported missing;
 * - an instance that lost a partition to another would otherwise go on waiting for that
 *   partition's devices and report every one of them missing.
 */
export class DeviceCheckpoints {
  /** Every device this instance evaluated readings of, by device id. */
  private readonly seen = new Map<string, Seen>();
  /** Devices with a reading since the last checkpoint. */
  private readonly changed = new Set<string>();
  /** The latest checkpoint of every device on the bus, whoever wrote it. */
  private readonly restored = new Map<string, DeviceCheckpoint>();
  private owned: ReadonlySet<number> = new Set();

  /** Notes a reading evaluated from `partition`. Derived readings are the processor's own and are skipped. */
  noteReading(reading: Reading, partition: number): void {
    if (reading.derived !== undefined) return;
    const seen = this.seen.get(reading.deviceId);
    if (seen === undefined) this.seen.set(reading.deviceId, { place: placeOf(reading), partition, lastReceivedAt: reading.receivedAt });
    else {
      if (seen.place.siteId !== reading.siteId || seen.place.ward !== reading.ward || seen.place.kind !== reading.kind) seen.place = placeOf(reading);
      seen.partition = partition;
      if (reading.receivedAt > seen.lastReceivedAt) seen.lastReceivedAt = reading.receivedAt;
    }
    this.changed.add(reading.deviceId);
  }

  /** Takes in a checkpoint read from `ioc.devices`; one older than the device's latest is ignored. */
  noteCheckpoint(checkpoint: DeviceCheckpoint): void {
    const latest = this.restored.get(checkpoint.deviceId);
    if (latest === undefined || checkpoint.checkpointedAt >= latest.checkpointedAt) this.restored.set(checkpoint.deviceId, checkpoint);
  }

  /**
   * The partitions this instance owns changed (start, rebalance): forgets the devices of the
   * partitions it lost and starts watching the checkpointed devices of the ones it gained that it
   * has not heard from. Returns how many devices were forgotten and how many restored.
   */
  assign(partitions: readonly number[], engine: WatchedDevices): { forgotten: number; restored: number } {
    this.owned = new Set(partitions);
    let forgotten = 0;
    for (const [deviceId, seen] of this.seen) {
      if (this.owned.has(seen.partition)) continue;
      engine.forgetDevice(deviceId);
      this.seen.delete(deviceId);
      this.changed.delete(deviceId);
      forgotten++;
    }
    let restored = 0;
    for (const checkpoint of this.restored.values()) {
      if (!this.owned.has(checkpoint.partition) || this.seen.has(checkpoint.deviceId)) continue;
      engine.watchDevice(placeOf(checkpoint), {
        lastSeen: checkpoint.lastReceivedAt,
        usualIntervalMs: checkpoint.usualIntervalMs,
        intervals: checkpoint.intervals,
      });
      this.seen.set(checkpoint.deviceId, { place: placeOf(checkpoint), partition: checkpoint.partition, lastReceivedAt: checkpoint.lastReceivedAt });
      restored++;
    }
    return { forgotten, restored };
  }

  /**
   * Checkpoints of the devices heard from since the last call, to publish. Call `unpublished`
   * with them when the publish failed, so they go out with the next ones.
   */
  due(now: number, engine: WatchedDevices): DeviceCheckpoint[] {
    const checkpoints: DeviceCheckpoint[] = [];
    for (const deviceId of this.changed) {
      const seen = this.seen.get(deviceId);
      if (seen === undefined) continue;
      const interval = engine.reportInterval(deviceId);
      const checkpoint: DeviceCheckpoint = {
        ...seen.place,
        partition: seen.partition,
        lastReceivedAt: interval?.lastSeen ?? seen.lastReceivedAt,
        usualIntervalMs: interval?.usualIntervalMs ?? null,
        intervals: interval?.intervals ?? 0,
        checkpointedAt: now,
      };
      checkpoints.push(checkpoint);
      this.restored.set(deviceId, checkpoint);
    }
    this.changed.clear();
    return checkpoints;
  }

  unpublished(checkpoints: readonly DeviceCheckpoint[]): void {
    for (const checkpoint of checkpoints) if (this.seen.has(checkpoint.deviceId)) this.changed.add(checkpoint.deviceId);
  }
}

function placeOf(from: DevicePlace): DevicePlace {
  return { deviceId: from.deviceId, domain: from.domain, kind: from.kind, siteId: from.siteId, ward: from.ward };
}
