import { describe, expect, test } from 'vitest';
import { deviceMessageForReading, type Reading } from '../src/index.js';
import { DEVICE_TIME } from '../../test-support/device-examples.js';

/** The round trip through ingest for every kind is in ingest/test/reading-payload-round-trip.test.ts. */
const air: Reading = {
  deviceId: 'aq-hk-01',
  domain: 'environment',
  kind: 'air-station',
  siteId: 'hn-hoankiem-aq',
  ward: 'Phường Hoàn Kiếm',
  ts: DEVICE_TIME,
  seq: 42,
  receivedAt: DEVICE_TIME + 850,
  metrics: { pm25: 38.2 },
};
const lamp: Reading = { ...air, deviceId: 'lamp-bd-0141', domain: 'lighting', kind: 'lamp', siteId: 'hn-cab-bd-014', metrics: { power: 118, faults: 1 }, powerState: 'on', faults: ['day-burner'] };
const counter: Reading = { ...air, deviceId: 'tc-km-01', domain: 'traffic', kind: 'traffic-counter', siteId: 'hn-kimma-x', metrics: { vehicleCount: 37 } };
const options = { countingPeriodSeconds: 60 };

describe('device message for a reading', () => {
  test('an air reading is published on its site’s telemetry topic with its metrics as values', () => {
    expect(deviceMessageForReading(air, options)).toStrictEqual({
      ok: true,
      topic: 'ioc/environment/hn-hoankiem-aq/aq-hk-01/telemetry',
      payload: { deviceId: 'aq-hk-01', kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts: DEVICE_TIME, seq: 42, values: { pm25: 38.2 } },
    });
  });

  test('a lamp sends its fault list and power state; the fault count is ingest’s, not a value', () => {
    const message = deviceMessageForReading(lamp, options);
    expect(message).toMatchObject({ ok: true, payload: { powerState: 'on', faults: ['day-burner'], values: { power: 118 } } });
    expect(message.ok && message.payload.values).not.toHaveProperty('faults');
  });

  test('a traffic counter carries the counting period it is given', () => {
    expect(deviceMessageForReading(counter, { countingPeriodSeconds: 300 })).toMatchObject({ ok: true, payload: { intervalSeconds: 300 } });
  });

  test('the processor’s own readings are refused as derived, naming which', () => {
    expect(deviceMessageForReading({ ...air, derived: 'hourly-mean' }, options)).toStrictEqual({ ok: false, reason: 'derived', detail: 'hourly-mean' });
    expect(deviceMessageForReading({ ...air, metrics: { vnAqi: 151 }, derived: 'vn-aqi-hourly' }, options)).toMatchObject({ ok: false, reason: 'derived', detail: 'vn-aqi-hourly' });
  });

  test('what no device payload can carry is refused with the field at fault', () => {
    const refused = (reading: Reading) => deviceMessageForReading(reading, options);
    expect(refused({ ...air, metrics: { ph: 7.1 } })).toMatchObject({ ok: false, reason: 'invalid-payload', detail: expect.stringContaining('values') });
    expect(refused({ ...air, metrics: { ph: 7.1 } })).toMatchObject({ detail: expect.stringContaining('"ph"') });
    expect(refused({ ...air, ts: 1_400_000_000 })).toMatchObject({ reason: 'invalid-payload', detail: expect.stringMatching(/^ts: /) });
    expect(refused({ ...lamp, powerState: undefined })).toMatchObject({ reason: 'invalid-payload', detail: expect.stringMatching(/^powerState: /) });
    expect(refused({ ...lamp, faults: [] })).toMatchObject({ reason: 'invalid-payload', detail: 'metric faults is 1 but the reading lists 0 fault(s)' });
    expect(refused({ ...air, domain: 'traffic' })).toMatchObject({ reason: 'invalid-payload', detail: expect.stringContaining('domain "traffic"') });
    expect(refused({ ...counter, metrics: {} })).toMatchObject({ reason: 'invalid-payload', detail: 'values: values must hold at least one measurement' });
  });
});
