import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import {
  AirStationPayloadSchema,
  CameraEventPayloadSchema,
  DeviceKindSchema,
  LightingPayloadSchema,
  ReservoirStationPayloadSchema,
  SurfaceWaterStationPayloadSchema,
  TelemetryPayloadSchema,
  TrafficCounterPayloadSchema,
  WastewaterStationPayloadSchema,
  type DeviceKind,
} from '../src/index.js';
import { DEVICE_EXAMPLES, examplePayload } from '../../test-support/device-examples.js';

const SCHEMA_OF_KIND: Record<DeviceKind, z.ZodType> = {
  'air-station': AirStationPayloadSchema,
  'surface-water-station': SurfaceWaterStationPayloadSchema,
  'wastewater-station': WastewaterStationPayloadSchema,
  'traffic-counter': TrafficCounterPayloadSchema,
  'reservoir-station': ReservoirStationPayloadSchema,
  'rain-gauge': ReservoirStationPayloadSchema,
  lamp: LightingPayloadSchema,
  'lighting-cabinet': LightingPayloadSchema,
  camera: CameraEventPayloadSchema,
};

/** The paths zod names as at fault, written as devices' firmware engineers read them. */
function faultPaths(schema: z.ZodType, payload: unknown): string[] {
  const result = schema.safeParse(payload);
  if (result.success) throw new Error(`expected the payload to be refused, but it was accepted: ${JSON.stringify(payload)}`);
  return result.error.issues.map((issue) => (issue.path.length === 0 ? '(root)' : issue.path.join('.')));
}

function withChange(kind: DeviceKind, change: (payload: Record<string, any>) => void): Record<string, unknown> {
  const payload = examplePayload(kind);
  change(payload);
  return payload;
}

describe('device payload schemas accept what devices publish', () => {
  test.each(DeviceKindSchema.options)('%s', (kind) => {
    const result = SCHEMA_OF_KIND[kind].safeParse(DEVICE_EXAMPLES[kind].payload);
    expect(result.error?.issues).toBeUndefined();
  });

  test.each(DeviceKindSchema.options.filter((kind) => kind !== 'camera'))('the telemetry union picks the schema of %s by its kind', (kind) => {
    const result = TelemetryPayloadSchema.safeParse(DEVICE_EXAMPLES[kind].payload);
    expect(result.data?.kind).toBe(kind);
  });

  test('a timestamp may be an ISO-8601 string with a zone', () => {
    const payload = withChange('air-station', (p) => (p.ts = '2026-01-15T10:00:00.250+07:00'));
    expect(AirStationPayloadSchema.safeParse(payload).success).toBe(true);
  });

  test('a lamp that reports no faults gets an empty fault list', () => {
    const payload = withChange('lamp', (p) => delete p.faults);
    expect(LightingPayloadSchema.parse(payload).faults).toEqual([]);
  });
});

describe('device payload schemas refuse bad payloads and name the field at fault', () => {
  test.each<[string, DeviceKind, (p: Record<string, any>) => void, string[]]>([
    ['a measurement sent as text', 'air-station', (p) => (p.values.pm25 = '38.2'), ['values.pm25']],
    ['no measurement at all', 'air-station', (p) => (p.values = {}), ['values']],
    ['a metric the kind does not measure', 'air-station', (p) => (p.values.co2 = 410), ['values']],
    ['a field the contract does not know', 'air-station', (p) => (p.battery = 87), ['(root)']],
    ['a missing sequence number', 'air-station', (p) => delete p.seq, ['seq']],
    ['a negative sequence number', 'air-station', (p) => (p.seq = -1), ['seq']],
    ['a timestamp in seconds', 'air-station', (p) => (p.ts = Math.floor(p.ts / 1000)), ['ts']],
    ['an ISO timestamp without a zone', 'air-station', (p) => (p.ts = '2026-01-15T10:00:00'), ['ts']],
    ['a device id with a topic separator', 'air-station', (p) => (p.deviceId = 'aq/hk/01'), ['deviceId']],
    ['an empty ward', 'air-station', (p) => (p.ward = ''), ['ward']],
    ['pH sent as text', 'surface-water-station', (p) => (p.values.ph = 'neutral'), ['values.ph']],
    ['an air metric from a wastewater station', 'wastewater-station', (p) => (p.values.pm25 = 10), ['values']],
    ['a counter without its counting period', 'traffic-counter', (p) => delete p.intervalSeconds, ['intervalSeconds']],
    ['a counting period over an hour', 'traffic-counter', (p) => (p.intervalSeconds = 7200), ['intervalSeconds']],
    ['a fractional vehicle count', 'traffic-counter', (p) => (p.values.vehicleCount = 3.5), ['values.vehicleCount']],
    ['a null water level', 'reservoir-station', (p) => (p.values.waterLevel = null), ['values.waterLevel']],
    ['a power state outside FIWARE Streetlight', 'lamp', (p) => (p.powerState = 'dim'), ['powerState']],
    ['an unknown lamp fault', 'lamp', (p) => (p.faults = ['lamp-failure', 'smoke']), ['faults.1']],
    ['more than 16 faults', 'lighting-cabinet', (p) => (p.faults = Array(17).fill('lamp-failure')), ['faults']],
    ['a confidence above 1', 'camera', (p) => (p.confidence = 1.2), ['confidence']],
    ['an unknown camera event type', 'camera', (p) => (p.eventType = 'fire'), ['eventType']],
    ['a negative count', 'camera', (p) => (p.count = -1), ['count']],
    ['a missing event id', 'camera', (p) => delete p.eventId, ['eventId']],
    ['a snapshot link that is not a URL', 'camera', (p) => (p.snapshotUrl = 'snapshot 42'), ['snapshotUrl']],
  ])('%s (%s)', (_, kind, change, paths) => {
    expect(faultPaths(SCHEMA_OF_KIND[kind], withChange(kind, change))).toEqual(paths);
  });

  test('the telemetry union refuses a camera event and an unknown kind at `kind`', () => {
    expect(faultPaths(TelemetryPayloadSchema, examplePayload('camera'))).toEqual(['kind']);
    expect(faultPaths(TelemetryPayloadSchema, withChange('air-station', (p) => (p.kind = 'weather-station')))).toEqual(['kind']);
  });

  test('a payload that is not an object is refused at its root', () => {
    expect(faultPaths(TelemetryPayloadSchema, [1, 2, 3])).toEqual(['(root)']);
    expect(faultPaths(CameraEventPayloadSchema, 'congestion')).toEqual(['(root)']);
  });
});
