import type { z } from 'zod';
import { DOMAIN_OF_KIND, deviceTopic, type CameraEventPayloadSchema, type DeviceKind, type TelemetryPayloadSchema } from '../contracts/src/index.js';

type DevicePayloadInput = z.input<typeof TelemetryPayloadSchema> | z.input<typeof CameraEventPayloadSchema>;

/** 2026-01-15 10:00 in Hanoi (UTC+7), epoch milliseconds. */
export const DEVICE_TIME = Date.UTC(2026, 0, 15, 3, 0, 0);

/** One payload per device kind, as a well-behaved device publishes it, with the site it reports for. */
export const DEVICE_EXAMPLES = {
  'air-station': {
    siteId: 'hn-hoankiem-aq',
    payload: { deviceId: 'aq-hk-01', kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts: DEVICE_TIME, seq: 42, values: { pm25: 38.2, pm10: 61, no2: 41.5, noise: 68 } },
  },
  'surface-water-station': {
    siteId: 'hn-tolich-sw',
    payload: { deviceId: 'sw-tl-01', kind: 'surface-water-station', ward: 'Phường Thanh Liệt', ts: DEVICE_TIME, seq: 7, values: { ph: 7.2, dissolvedOxygen: 3.1, cod: 28, ammonium: 1.4 } },
  },
  'wastewater-station': {
    siteId: 'hn-yensa-ww',
    payload: { deviceId: 'ww-ys-01', kind: 'wastewater-station', ward: 'Phường Yên Sở', ts: DEVICE_TIME, seq: 9, values: { ph: 6.8, cod: 95, tss: 60 } },
  },
  'traffic-counter': {
    siteId: 'hn-kimma-x',
    payload: { deviceId: 'tc-km-01', kind: 'traffic-counter', ward: 'Phường Ngọc Hà', ts: DEVICE_TIME, seq: 1200, intervalSeconds: 60, values: { vehicleCount: 37, meanSpeed: 24.5, occupancy: 18 } },
  },
  'reservoir-station': {
    siteId: 'hb-hoabinh-dam',
    payload: { deviceId: 'rs-hb-01', kind: 'reservoir-station', ward: 'Phường Hòa Bình', ts: DEVICE_TIME, seq: 3, values: { waterLevel: 114.3, inflow: 3500, gateOpening: 0 } },
  },
  'rain-gauge': {
    siteId: 'hb-hoabinh-dam',
    payload: { deviceId: 'rg-hb-02', kind: 'rain-gauge', ward: 'Phường Hòa Bình', ts: DEVICE_TIME, seq: 88, values: { rainfall: 12.5 } },
  },
  lamp: {
    siteId: 'hn-cab-bd-014',
    payload: { deviceId: 'lamp-bd-0141', kind: 'lamp', ward: 'Phường Ba Đình', ts: DEVICE_TIME, seq: 5, powerState: 'on', values: { power: 118, voltage: 229, current: 0.52, dimming: 80 }, faults: [] },
  },
  'lighting-cabinet': {
    siteId: 'hn-cab-bd-014',
    payload: {
      deviceId: 'cab-bd-014',
      kind: 'lighting-cabinet',
      ward: 'Phường Ba Đình',
      ts: DEVICE_TIME,
      seq: 6,
      powerState: 'on',
      values: { power: 4200, voltage: 231 },
      faults: ['supply-voltage-low', 'communication-lost'],
    },
  },
  camera: {
    siteId: 'hn-kimma-x',
    payload: {
      deviceId: 'cam-km-01',
      kind: 'camera',
      ward: 'Phường Ngọc Hà',
      ts: DEVICE_TIME,
      seq: 310,
      eventId: 'evt-20260115-0310',
      eventType: 'congestion',
      confidence: 0.91,
      count: 42,
      zone: 'north-approach',
    },
  },
} satisfies Record<DeviceKind, { siteId: string; payload: DevicePayloadInput }>;

/** The topic the example device publishes on. */
export function exampleTopic(kind: DeviceKind): string {
  const { siteId, payload } = DEVICE_EXAMPLES[kind];
  return deviceTopic(DOMAIN_OF_KIND[kind], siteId, payload.deviceId, kind === 'camera' ? 'event' : 'telemetry');
}

/** A fresh, mutable copy of the example payload, to break in a test. */
export function examplePayload(kind: DeviceKind): Record<string, unknown> {
  return structuredClone(DEVICE_EXAMPLES[kind].payload) as Record<string, unknown>;
}
