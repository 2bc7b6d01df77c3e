import { describe, expect, it } from 'vitest';
import { RuleStateCheckpointSchema } from '../src/index.js';

const checkpoint = {
  format: 1,
  deviceId: 'AQ-HK-01',
  takenAt: 1_795_500_000_000,
  place: { domain: 'environment', kind: 'air-station', siteId: 'AQ-HK-01', ward: 'Phường Hoàn Kiếm' },
  ruleSets: { default: 4, 'so-tnmt': 2 },
  streams: [
    {
      lastTs: 1_795_499_940_000,
      lastSeq: 4812,
      rules: [
        { set: 'default', rule: 'env-air-pm25', definition: 'q1w2e3r4t5y6', level: 1, breachSince: 1_795_499_700_000, alertId: '77cac6623fbd73f7e91a' },
        { set: 'default', rule: 'env-air-pm25-unusual', definition: 'a1s2d3f4g5h6', level: 0, state: { firstTime: 1_795_000_000_000, anomalous: false, lastAnomalousAt: null, seasonal: [null] } },
      ],
    },
  ],
  hourly: { hourStart: 1_795_496_400_000, lastTs: 1_795_499_940_000, lastSeq: 4812, receivedAt: 1_795_499_940_200, sums: { pm25: [1234.5, 25] } },
  stationAqi: { pendingDay: null, hours: { pm25: { from: 498_749, means: [48.2, null, 51.0] } } },
};

describe('rule state checkpoint', () => {
  it('accepts what a processor writes, JSON through and through', () => {
    expect(RuleStateCheckpointSchema.parse(JSON.parse(JSON.stringify(checkpoint)))).toEqual(checkpoint);
  });

  it('refuses a format this processor does not know, so it starts that device afresh instead of misreading it', () => {
    expect(RuleStateCheckpointSchema.safeParse({ ...checkpoint, format: 2 }).success).toBe(false);
  });

  it('refuses a level that is not none, warning or critical, and an hour number that is not whole', () => {
    const [stream] = checkpoint.streams;
    const badLevel = { ...checkpoint, streams: [{ ...stream, rules: [{ ...stream.rules[0], level: 3 }] }] };
    expect(RuleStateCheckpointSchema.safeParse(badLevel).success).toBe(false);
    const badHours = { ...checkpoint, stationAqi: { pendingDay: null, hours: { pm25: { from: 1.5, means: [] } } } };
    expect(RuleStateCheckpointSchema.safeParse(badHours).success).toBe(false);
  });
});
