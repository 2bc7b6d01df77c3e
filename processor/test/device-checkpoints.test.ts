import { describe, expect, it } from 'vitest';
import { DeviceCheckpointSchema, type Alert, type DeviceCheckpoint, type RuleSetInput } from '../../contracts/src/index.js';
import { DeviceCheckpoints } from '../src/device-checkpoints.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { AIR_STATION, MINUTE, T0, readingAt, ruleSet } from '../../test-support/readings.js';

/** Overdue after max(3 × the learned interval, 2 minutes); nobody is flagged in the first 10 minutes after a start. */
const SILENCE: RuleSetInput['rules'][number] = {
  id: 'silent',
  version: 1,
  name: { vi: 'Mất dữ liệu', en: 'No data' },
  type: 'missing-data',
  domain: 'environment',
  intervalMultiplier: 3,
  minIntervalSeconds: 120,
  startupGraceSeconds: 600,
};
const OTHER_STATION = { ...AIR_STATION, deviceId: 'AQ-HBT-02', siteId: 'AQ-HBT-02', ward: 'Phường Hai Bà Trưng' };
/** The telemetry partition each station's readings arrive on. */
const PARTITION = { [AIR_STATION.deviceId]: 0, [OTHER_STATION.deviceId]: 1 };

/** A processor instance: its engine and its device bookkeeping. */
function instance() {
  return { engine: new RuleEngine(ruleSet([SILENCE])), devices: new DeviceCheckpoints() };
}

/** Both stations report once a minute over [from, to), each while `speaks` says so; the timer ticks each minute. */
function run(processor: ReturnType<typeof instance>, from: number, to: number, speaks: (deviceId: string, minute: number) => boolean): Alert[] {
  const changes: Alert[] = [];
  for (let minute = from; minute < to; minute++) {
    for (const station of [AIR_STATION, OTHER_STATION]) {
      if (!speaks(station.deviceId, minute)) continue;
      const reading = readingAt(minute, { pm25: 30 }, station);
      processor.devices.noteReading(reading, PARTITION[station.deviceId]);
      changes.push(...processor.engine.onReading(reading));
    }
    changes.push(...processor.engine.tick(T0 + minute * MINUTE + 30_000));
  }
  return changes;
}

describe('device checkpoints', () => {
  it('checkpoints each device heard from with its place, partition and learned interval, once per change', () => {
    const processor = instance();
    run(processor, 0, 10, () => true);
    const checkpoints = processor.devices.due(T0 + 10 * MINUTE, processor.engine);
    expect(checkpoints.map((c) => DeviceCheckpointSchema.parse(c))).toEqual([
      { ...AIR_STATION, partition: 0, lastReceivedAt: T0 + 9 * MINUTE + 500, usualIntervalMs: MINUTE, intervals: 9, checkpointedAt: T0 + 10 * MINUTE },
      { ...OTHER_STATION, partition: 1, lastReceivedAt: T0 + 9 * MINUTE + 500, usualIntervalMs: MINUTE, intervals: 9, checkpointedAt: T0 + 10 * MINUTE },
    ]);
    expect(processor.devices.due(T0 + 11 * MINUTE, processor.engine)).toEqual([]);
    // A publish that failed goes out with the next checkpoints.
    processor.devices.unpublished(checkpoints);
    expect(processor.devices.due(T0 + 12 * MINUTE, processor.engine).map((c) => c.deviceId)).toEqual([AIR_STATION.deviceId, OTHER_STATION.deviceId]);
  });

  it('lets a restarted processor report a device that went quiet while it was down', () => {
    const before = instance();
    run(before, 0, 30, () => true);
    const checkpoints = before.devices.due(T0 + 30 * MINUTE, before.engine);

    // Down from minute 30 to 60. The first station never speaks again; the second does.
    const after = instance();
    for (const checkpoint of checkpoints) after.devices.noteCheckpoint(checkpoint);
    expect(after.devices.assign([0, 1], after.engine)).toEqual({ forgotten: 0, restored: 2 });
    const changes = run(after, 60, 80, (deviceId) => deviceId === OTHER_STATION.deviceId);
    expect(changes.map((alert) => [alert.deviceId, alert.ruleId, alert.state])).toEqual([[AIR_STATION.deviceId, 'silent', 'open']]);
    // Not before the start-up grace: the restarted processor may still be catching up.
    expect(changes[0].openedAt).toBe(T0 + 70 * MINUTE + 30_000);
    expect(changes[0].evidence).toMatchObject({ lastReceivedAt: T0 + 29 * MINUTE + 500, usualIntervalSeconds: 60 });
  });

  it('without checkpoints, a device silent since before the restart is never reported', () => {
    const after = instance();
    after.devices.assign([0, 1], after.engine);
    const changes = run(after, 60, 80, (deviceId) => deviceId === OTHER_STATION.deviceId);
    expect(changes).toEqual([]);
  });

  it('watches only the checkpointed devices of the partitions it owns', () => {
    const before = instance();
    run(before, 0, 30, () => true);
    const checkpoints = before.devices.due(T0 + 30 * MINUTE, before.engine);
    const owner = instance();
    for (const checkpoint of checkpoints) owner.devices.noteCheckpoint(checkpoint);
    expect(owner.devices.assign([1], owner.engine)).toEqual({ forgotten: 0, restored: 1 });
    // Neither speaks again: only the device of partition 1 is this instance's to report.
    const changes = run(owner, 60, 80, () => false);
    expect(changes.map((alert) => alert.deviceId)).toEqual([OTHER_STATION.deviceId]);
  });

  it('stops waiting for the devices of a partition handed to another instance', () => {
    const processor = instance();
    run(processor, 0, 30, () => true);
    // A second instance joined and took partition 1; its readings no longer come here.
    expect(processor.devices.assign([0], processor.engine)).toEqual({ forgotten: 1, restored: 0 });
    const changes = run(processor, 30, 60, (deviceId) => deviceId === AIR_STATION.deviceId);
    expect(changes).toEqual([]);
    expect(processor.devices.due(T0 + 60 * MINUTE, processor.engine).map((c: DeviceCheckpoint) => c.deviceId)).toEqual([AIR_STATION.deviceId]);
  });

  it('hands an open alert of a device given away back to its tracker when the device returns', () => {
    const processor = instance();
    const opened = run(processor, 0, 40, (deviceId, minute) => deviceId === AIR_STATION.deviceId || minute < 20);
    expect(opened.map((alert) => [alert.deviceId, alert.state])).toEqual([[OTHER_STATION.deviceId, 'open']]);
    processor.devices.assign([0], processor.engine);
    expect(processor.engine.openAlerts()).toEqual([]);
    // The partition comes back and the device speaks again: the same alert is resolved, no new one opens.
    processor.devices.assign([0, 1], processor.engine);
    const changes = run(processor, 40, 42, () => true);
    expect(changes.map((alert) => [alert.id, alert.state])).toEqual([[opened[0].id, 'resolved']]);
  });

  it('takes over a partition from an instance that died without calling its devices silent while reading the backlog, then reports one still quiet', () => {
    // Each station has its own instance from minute 0; the second dies at minute 30, its last checkpoint from minute 25.
    const survivor = instance();
    survivor.devices.assign([0], survivor.engine);
    const departed = instance();
    departed.devices.assign([1], departed.engine);
    run(departed, 0, 25, (deviceId) => deviceId === OTHER_STATION.deviceId);
    for (const checkpoint of departed.devices.due(T0 + 25 * MINUTE, departed.engine)) survivor.devices.noteCheckpoint(checkpoint);
    run(survivor, 0, 35, (deviceId) => deviceId === AIR_STATION.deviceId);

    // Minute 35: the group gives partition 1 to the survivor. Its backlog (the station kept
    // reporting) is read over the next minutes; without the grace the first tick would call the
    // station silent since minute 24.
    expect(survivor.devices.assign([0, 1], survivor.engine)).toEqual({ forgotten: 0, restored: 1 });
    const changes = run(survivor, 35, 37, (deviceId) => deviceId === AIR_STATION.deviceId);
    for (let minute = 25; minute < 37; minute++) {
      const reading = readingAt(minute, { pm25: 30 }, OTHER_STATION);
      survivor.devices.noteReading(reading, 1);
      changes.push(...survivor.engine.onReading(reading));
    }
    changes.push(...run(survivor, 37, 60, (deviceId, minute) => deviceId === AIR_STATION.deviceId || minute < 40));
    // Quiet from minute 40 on, overdue from minute 42: reported once the grace from the takeover's first tick is over.
    expect(changes.map((alert) => [alert.deviceId, alert.state, alert.openedAt])).toEqual([[OTHER_STATION.deviceId, 'open', T0 + 45 * MINUTE + 30_000]]);
  });

  it('keeps the newest checkpoint of a device, whatever order they are read in', () => {
    const before = instance();
    run(before, 0, 30, () => true);
    const older = before.devices.due(T0 + 30 * MINUTE, before.engine);
    run(before, 30, 40, () => true);
    const newer = before.devices.due(T0 + 40 * MINUTE, before.engine);
    const after = instance();
    for (const checkpoint of [...newer, ...older]) after.devices.noteCheckpoint(checkpoint);
    after.devices.assign([0, 1], after.engine);
    expect(after.engine.reportInterval(AIR_STATION.deviceId)?.lastSeen).toBe(T0 + 39 * MINUTE + 500);
  });
});
