import { describe, expect, it } from 'vitest';
import { BUS_TOPICS, type RuleStateCheckpoint } from '../../contracts/src/index.js';
import { RuleStateCheckpoints } from '../src/rule-state-checkpoints.js';

const T = BUS_TOPICS.telemetry;
const C = BUS_TOPICS.cameraEvents;

function checkpointOf(deviceId: string, takenAt: number): RuleStateCheckpoint {
  return {
    format: 1,
    deviceId,
    takenAt,
    place: { domain: 'environment', kind: 'air-station', siteId: deviceId, ward: 'Phường Hoàn Kiếm' },
    ruleSets: { default: 1 },
    streams: [],
  };
}

describe('rule state checkpoint bookkeeping', () => {
  it('checkpoints each changed id once, with the partition it was learned from', () => {
    const books = new RuleStateCheckpoints();
    books.note('AQ-1', T, 0);
    books.note('AQ-2', T, 1);
    books.note('AQ-1', T, 0);
    books.note('SITE-9', C, 2);

    expect(books.due()).toEqual([
      { id: 'AQ-1', source: 'ioc.telemetry:0' },
      { id: 'AQ-2', source: 'ioc.telemetry:1' },
      { id: 'SITE-9', source: 'ioc.camera-events:2' },
    ]);
    expect(books.due()).toEqual([]);
    books.unpublished(['AQ-2']);
    expect(books.due()).toEqual([{ id: 'AQ-2', source: 'ioc.telemetry:1' }]);
  });

  it('hands the changed ids out in slices', () => {
    const books = new RuleStateCheckpoints();
    for (const id of ['AQ-1', 'AQ-2', 'AQ-3']) books.note(id, T, 0);
    expect(books.pending).toBe(3);
    expect(books.due(undefined, 2).map(({ id }) => id)).toEqual(['AQ-1', 'AQ-2']);
    expect(books.pending).toBe(1);
    expect(books.due(undefined, 2).map(({ id }) => id)).toEqual(['AQ-3']);
  });

  it('restores the checkpoints of the partitions assigned, and names the ids of the partitions lost', () => {
    const books = new RuleStateCheckpoints();
    expect(books.noteCheckpoint(checkpointOf('AQ-1', 100), 'ioc.telemetry:0')).toBe(false);
    books.noteCheckpoint(checkpointOf('AQ-2', 100), 'ioc.telemetry:1');
    books.noteCheckpoint(checkpointOf('SITE-9', 100), 'ioc.camera-events:0');

    const first = books.assign(T, [0, 1]);
    expect(first.lost).toEqual([]);
    expect(first.restore.map((checkpoint) => checkpoint.deviceId)).toEqual(['AQ-1', 'AQ-2']);

    books.note('AQ-1', T, 0);
    books.note('AQ-2', T, 1);
    const second = books.assign(T, [1]);
    expect(second.lost).toEqual(['AQ-1']);
    expect(second.restore.map((checkpoint) => checkpoint.deviceId)).toEqual(['AQ-2']);
    // Camera partitions are assigned on their own.
    expect(books.assign(C, [0]).restore.map((checkpoint) => checkpoint.deviceId)).toEqual(['SITE-9']);
  });

  it('says to restore at once a newer checkpoint of an owned partition, and ignores older ones and its own', () => {
    const books = new RuleStateCheckpoints();
    books.assign(T, [0]);
    expect(books.noteCheckpoint(checkpointOf('AQ-1', 200), 'ioc.telemetry:0')).toBe(true);
    expect(books.noteCheckpoint(checkpointOf('AQ-1', 150), 'ioc.telemetry:0')).toBe(false);
    expect(books.noteCheckpoint(checkpointOf('AQ-2', 200), 'ioc.telemetry:1')).toBe(false);
    expect(books.noteCheckpoint(checkpointOf('AQ-3', 200), undefined)).toBe(false);

    books.taken([{ checkpoint: checkpointOf('AQ-1', 300), source: 'ioc.telemetry:0' }]);
    expect(books.isNewer('AQ-1', 300)).toBe(false);
    expect(books.noteCheckpoint(checkpointOf('AQ-1', 300), 'ioc.telemetry:0')).toBe(false);
  });

  it('stops checkpointing ids it forgot', () => {
    const books = new RuleStateCheckpoints();
    books.note('AQ-1', T, 0);
    books.forget(['AQ-1']);
    expect(books.due()).toEqual([]);
    books.unpublished(['AQ-1']);
    expect(books.due()).toEqual([]);
  });
});
