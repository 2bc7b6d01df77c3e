import type { Reading } from '../../../contracts/src/index.js';
import type { BusRecord } from '../../src/bus/index.js';

export function reading(deviceId: string, seq: number): Reading {
  return { deviceId, domain: 'environment', kind: 'air-station', siteId: 'st-1', ward: 'Phường Láng', ts: 1795000000000 + seq, seq, receivedAt: 1795000000000 + seq, metrics: { pm25: seq } };
}

export function telemetry(devices: string[], perDevice: number, fromSeq = 0): BusRecord<'ioc.telemetry'>[] {
  const records: BusRecord<'ioc.telemetry'>[] = [];
  for (let seq = fromSeq; seq < fromSeq + perDevice; seq++) {
    for (const device of devices) records.push({ key: device, value: reading(device, seq) });
  }
  return records;
}
