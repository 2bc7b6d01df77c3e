import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/src/index.js';
import { RuleEngine } from '../../src/engine/index.js';
import { AIR_STATION, PM25_RULE, readingAt, ruleSet } from '../../../test-support/readings.js';

const instant = { ...PM25_RULE, forSeconds: 0 };
const station = (siteId: string, deviceId = siteId, ward = 'Phường Hoàn Kiếm') => ({ ...AIR_STATION, siteId, deviceId, ward });

describe('rule scopes', () => {
  const engine = new RuleEngine(
    ruleSet([
      instant,
      { ...instant, scope: { level: 'ward', ward: 'Phường Ba Đình' }, warning: 120, critical: 200 },
      { ...instant, scope: { level: 'station', siteId: 'AQ-BD-02' }, warning: 80, critical: 150 },
      { ...instant, scope: { level: 'device', deviceId: 'AQ-BD-02-B' }, enabled: false },
    ]),
  );
  const pm25 = (place: Pick<Reading, 'deviceId' | 'domain' | 'kind' | 'siteId' | 'ward'>, value: number, minute = 0) =>
    engine.onReading(readingAt(minute, { pm25: value }, place));

  it('applies the domain rule where nothing narrower matches', () => {
    expect(pm25(station('AQ-HK-01'), 130)).toEqual([]);
    expect(pm25(station('AQ-HK-01'), 160, 1)[0].evidence).toMatchObject({ warning: 150 });
  });

  it('lets a ward override the domain rule', () => {
    expect(pm25(station('AQ-BD-01', 'AQ-BD-01', 'Phường Ba Đình'), 130)[0].evidence).toMatchObject({ warning: 120 });
  });

  it('lets a station override its ward', () => {
    expect(pm25(station('AQ-BD-02', 'AQ-BD-02-A', 'Phường Ba Đình'), 90)[0].evidence).toMatchObject({ warning: 80 });
  });

  it('lets a disabled device entry switch the rule off for that device only', () => {
    expect(pm25(station('AQ-BD-02', 'AQ-BD-02-B', 'Phường Ba Đình'), 900)).toEqual([]);
  });

  it('applies a rule only to the device kinds it names', () => {
    const wastewaterOnly = new RuleEngine(
      ruleSet([{ ...instant, id: 'ww-cod', metric: 'cod', warning: 150, critical: undefined, deviceKinds: ['wastewater-station'] }]),
    );
    const river = { ...AIR_STATION, deviceId: 'SW-01', siteId: 'SW-01', kind: 'surface-water-station' as const };
    const outfall = { ...AIR_STATION, deviceId: 'WW-01', siteId: 'WW-01', kind: 'wastewater-station' as const };
    expect(wastewaterOnly.onReading(readingAt(0, { cod: 400 }, river))).toEqual([]);
    expect(wastewaterOnly.onReading(readingAt(0, { cod: 400 }, outfall))).toHaveLength(1);
  });

  it('never applies a rule of another domain', () => {
    const lamp = { deviceId: 'L-1', domain: 'lighting' as const, kind: 'lamp' as const, siteId: 'CAB-1', ward: 'Phường Hoàn Kiếm' };
    expect(engine.onReading(readingAt(0, { pm25: 900 }, lamp))).toEqual([]);
  });

  it('applies the rules of the new station when a device is moved there', () => {
    const moving = new RuleEngine(ruleSet([instant, { ...instant, scope: { level: 'station', siteId: 'AQ-BD-02' }, warning: 80, critical: 150 }]));
    const device = 'AQ-MOBILE-1';
    expect(moving.onReading(readingAt(0, { pm25: 100 }, station('AQ-HK-01', device)))).toEqual([]);
    const [opened] = moving.onReading(readingAt(1, { pm25: 100 }, station('AQ-BD-02', device, 'Phường Ba Đình')));
    expect(opened).toMatchObject({ siteId: 'AQ-BD-02', ward: 'Phường Ba Đình', evidence: { warning: 80 } });
  });
});
