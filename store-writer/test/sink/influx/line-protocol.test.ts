import { describe, expect, it } from 'vitest';
import type { Alert, Reading } from '../../../../contracts/src/index.js';
import { alertLine, readingLine } from '../../../src/sink/influx/line-protocol.js';

const reading: Reading = {
  deviceId: 'air-hk-01',
  domain: 'environment',
  kind: 'air-station',
  siteId: 'st-hoan-kiem',
  ward: 'Phường Hoàn Kiếm',
  ts: 1795000000123,
  seq: 7,
  receivedAt: 1795000000200,
  metrics: { pm25: 35.5, noise: 65 },
};

const alert: Alert = {
  id: 'pm25-high|air-hk-01|1795000000123',
  key: 'pm25-high|air-hk-01',
  ruleId: 'pm25-high',
  ruleVersion: 2,
  ruleType: 'threshold',
  domain: 'environment',
  deviceId: 'air-hk-01',
  siteId: 'st-hoan-kiem',
  ward: 'Phường Hoàn Kiếm',
  metric: 'pm25',
  severity: 'critical',
  state: 'acknowledged',
  lastChange: 'acknowledged',
  openedAt: 1795000000123,
  updatedAt: 1795000060000,
  value: 180.5,
  evidence: {},
  message: { vi: 'PM2.5 vượt ngưỡng "nguy hại"', en: 'PM2.5 above the "hazardous" limit' },
  acknowledgedBy: 'lan',
};

describe('line protocol', () => {
  it('writes a reading as one point: place as tags, seq and metrics as fields, device time in ms', () => {
    expect(readingLine(reading)).toBe(
      'reading,device=air-hk-01,domain=environment,kind=air-station,site=st-hoan-kiem,ward=Phường\\ Hoàn\\ Kiếm seq=7i,pm25=35.5,noise=65 1795000000123',
    );
  });

  it('marks computed readings with a derived tag and keeps lamp state and faults as fields', () => {
    const lamp: Reading = { ...reading, domain: 'lighting', kind: 'lamp', metrics: { power: 0, faults: 2 }, powerState: 'off', faults: ['lamp-failure', 'relay-failure'], derived: 'hourly' };
    expect(readingLine(lamp)).toBe(
      'reading,derived=hourly,device=air-hk-01,domain=lighting,kind=lamp,site=st-hoan-kiem,ward=Phường\\ Hoàn\\ Kiếm seq=7i,power=0,faults=2,powerState="off",faultCodes="lamp-failure,relay-failure" 1795000000123',
    );
  });

  it('escapes commas, equals signs and spaces in tag values', () => {
    expect(readingLine({ ...reading, ward: 'Xã A, B=C' })).toContain(',ward=Xã\\ A\\,\\ B\\=C ');
  });

  it('writes an alert change with its id as a field, never a tag', () => {
    expect(alertLine(alert)).toBe(
      'alert,change=acknowledged,device=air-hk-01,domain=environment,metric=pm25,rule=pm25-high,severity=critical,site=st-hoan-kiem,state=acknowledged,ward=Phường\\ Hoàn\\ Kiếm ' +
        'id="pm25-high|air-hk-01|1795000000123",value=180.5,ruleVersion=2i,openedAt=1795000000123i,messageVi="PM2.5 vượt ngưỡng \\"nguy hại\\"",messageEn="PM2.5 above the \\"hazardous\\" limit",by="lan" 1795000060000',
    );
  });

  it('leaves out a missing value and a missing metric', () => {
    const line = alertLine({ ...alert, value: null, metric: undefined, state: 'open', lastChange: 'opened', acknowledgedBy: undefined });
    expect(line).not.toContain('value=');
    expect(line).not.toContain('metric=');
    expect(line).not.toContain('by=');
  });
});
