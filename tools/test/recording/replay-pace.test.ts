import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/src/index.js';
import { CountingPeriods } from '../../src/recording/replay.js';
import { ReplayPace, type PaceOptions } from '../../src/recording/replay-pace.js';

const START = Date.UTC(2026, 0, 15, 3, 0, 0);
const RECORDED = Date.UTC(2016, 0, 10, 0, 0, 0);
const HOUR = 3_600_000;
const paced = (speed: number, more: Partial<PaceOptions> = {}): PaceOptions => ({ speed, asFastAsPossible: false, retime: false, ...more });
const fastest = (more: Partial<PaceOptions> = {}): PaceOptions => ({ speed: 1, asFastAsPossible: true, retime: false, ...more });

/** Send times of readings recorded at `offsets` (ms after RECORDED), each asked for when the previous one went. */
function sendTimes(pace: ReplayPace, offsets: number[]): number[] {
  let now = START;
  return offsets.map((offset) => {
    const at = pace.sendAt(RECORDED + offset, now);
    now = Math.max(now, at);
    return at - START;
  });
}

describe('replay pace', () => {
  it('keeps the recording’s spacing at speed 1 and divides it by the speed', () => {
    expect(sendTimes(new ReplayPace(paced(1), START), [0, 1000, 5000])).toEqual([0, 1000, 5000]);
    // 60: an hour a minute; 3600: an hourly station's reading every second.
    expect(sendTimes(new ReplayPace(paced(60), START), [0, HOUR, 2 * HOUR])).toEqual([0, 60_000, 120_000]);
    expect(sendTimes(new ReplayPace(paced(3600), START), [0, HOUR, 3 * HOUR])).toEqual([0, 1000, 3000]);
  });

  it('sends at once what was recorded before the first reading', () => {
    expect(sendTimes(new ReplayPace(paced(1), START), [5000, 0])).toEqual([0, 0]);
  });

  it('as fast as possible sends each reading when asked, at most --max-rate a second', () => {
    expect(sendTimes(new ReplayPace(fastest(), START), [0, HOUR, 2 * HOUR])).toEqual([0, 0, 0]);
    expect(sendTimes(new ReplayPace(fastest({ maxRate: 100 }), START), [0, HOUR, 2 * HOUR, 3 * HOUR])).toEqual([0, 10, 20, 30]);
  });

  it('caps a burst of readings recorded at one instant at the max rate', () => {
    expect(sendTimes(new ReplayPace(paced(1, { maxRate: 4 }), START), [0, 0, 0, 2000])).toEqual([0, 250, 500, 2000]);
  });

  it('after a stall catches up at the capped rate, not in a burst', () => {
    const pace = new ReplayPace(fastest({ maxRate: 10 }), START);
    expect(pace.sendAt(RECORDED, START)).toBe(START);
    // The broker held the window for two seconds: the next message goes then, the one after 100 ms later.
    expect(pace.sendAt(RECORDED + 1, START + 2000)).toBe(START + 2000);
    expect(pace.sendAt(RECORDED + 2, START + 2000)).toBe(START + 2100);
  });

  it('says how far behind the recording’s pace a capped replay falls', () => {
    const pace = new ReplayPace(paced(3600, { maxRate: 1 }), START);
    // Hourly readings are due a second apart at 3600×; a cap of one a second keeps up, a burst does not.
    expect(sendTimes(pace, [0, HOUR, HOUR, HOUR])).toEqual([0, 1000, 2000, 3000]);
    expect(pace.behindMs(RECORDED + HOUR, START + 3000)).toBe(2000);
    expect(new ReplayPace(fastest(), START).behindMs(RECORDED, START + 9000)).toBe(0);
  });

  it('keeps recorded device times unless told to retime', () => {
    const pace = new ReplayPace(paced(60), START);
    expect(pace.deviceTs(RECORDED + HOUR)).toBe(RECORDED + HOUR);
  });

  it('retimes the first reading to the start and the others by their spacing ÷ speed', () => {
    const pace = new ReplayPace(paced(60, { retime: true }), START);
    expect(pace.deviceTs(RECORDED)).toBe(START);
    pace.sendAt(RECORDED, START);
    expect(pace.deviceTs(RECORDED + HOUR)).toBe(START + 60_000);
    expect(pace.deviceTs(RECORDED + 90_000)).toBe(START + 1500);
  });

  it('retimed as fast as possible, device times keep the original spacing from the start', () => {
    const pace = new ReplayPace(fastest({ retime: true }), START);
    pace.sendAt(RECORDED, START);
    expect(pace.deviceTs(RECORDED + HOUR)).toBe(START + HOUR);
  });

  it('a skipped reading asked about before the first sent one does not become the first', () => {
    const pace = new ReplayPace(paced(1, { retime: true }), START);
    // A derived hourly mean stamped at the top of the hour, asked about and then skipped.
    expect(pace.deviceTs(RECORDED - 40 * 60_000)).toBe(START);
    expect(pace.deviceTs(RECORDED)).toBe(START);
    expect(pace.sendAt(RECORDED, START)).toBe(START);
  });
});

describe('traffic counters’ counting period', () => {
  const counter = (deviceId: string, minutes: number): Reading => ({
    deviceId,
    domain: 'traffic',
    kind: 'traffic-counter',
    siteId: 'x',
    ward: 'w',
    ts: RECORDED + minutes * 60_000,
    seq: minutes,
    receivedAt: RECORDED,
    metrics: { vehicleCount: 10 },
  });

  it('is the recorded time since that counter’s previous reading, within 1 s and 1 h; 60 s for its first', () => {
    const periods = new CountingPeriods();
    expect(periods.of(counter('a', 0))).toBe(60);
    expect(periods.of(counter('b', 3))).toBe(60);
    expect(periods.of(counter('a', 5))).toBe(300);
    expect(periods.of(counter('a', 200))).toBe(3600);
    expect(periods.of(counter('b', 3 + 1 / 120))).toBe(1);
  });
});
