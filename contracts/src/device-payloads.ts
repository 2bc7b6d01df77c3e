import { z } from 'zod';
import { IdentifierSchema } from './domains.js';

/**
 * What devices publish over MQTT, one schema per device kind. Field names follow the models the
 * vendors already use where one exists (FIWARE TrafficFlowObserved, uCIFI outdoor lamp controller).
 * The topic names domain, site and device; the payload repeats the device id so that a payload
 * published on the wrong topic is caught.
 */

const finite = z.number().finite();

/** Epoch milliseconds or an ISO-8601 string with a zone; anything else is refused. */
export const DeviceTimestampSchema = z.union([
  z.number().int().min(946684800000, 'timestamp before 2000: send epoch milliseconds, not seconds'),
  z.iso.datetime({ offset: true }),
]);

/**
 * The largest sequence number a device may send: an unsigned 32-bit counter, which is what device
 * firmware keeps. It wraps to 0 like a restart does; a larger number is refused at the door.
 */
export const MAX_DEVICE_SEQ = 2 ** 32 - 1;

const envelope = {
  deviceId: IdentifierSchema,
  /** Ward or commune (phường/xã): since 2025 provinces have no district level. */
  ward: z.string().min(1).max(100),
  ts: DeviceTimestampSchema,
  /** Per-device sequence number, increasing by one per message: gaps reveal lost messages. */
  seq: z.number().int().nonnegative().max(MAX_DEVICE_SEQ, `seq must fit an unsigned 32-bit counter (at most ${MAX_DEVICE_SEQ})`),
};

/** At least one value: a message with nothing measured is a device fault, not a reading. */
function values<T extends z.ZodRawShape>(shape: T) {
  return z
    .strictObject(shape)
    .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'values must hold at least one measurement' });
}

export const AirStationPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.literal('air-station'),
  values: values({
    pm25: finite.optional(),
    pm10: finite.optional(),
    no2: finite.optional(),
    so2: finite.optional(),
    co: finite.optional(),
    o3: finite.optional(),
    noise: finite.optional(),
  }),
});

const waterValues = {
  ph: finite.optional(),
  dissolvedOxygen: finite.optional(),
  cod: finite.optional(),
  tss: finite.optional(),
  ammonium: finite.optional(),
  waterTemperature: finite.optional(),
};

export const SurfaceWaterStationPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.literal('surface-water-station'),
  values: values(waterValues),
});

export const WastewaterStationPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.literal('wastewater-station'),
  values: values(waterValues),
});

export const TrafficCounterPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.literal('traffic-counter'),
  /** Counting period the vehicle count covers (FIWARE: intensity per period). */
  intervalSeconds: z.number().int().positive().max(3600),
  values: values({
    vehicleCount: z.number().int().optional(),
    meanSpeed: finite.optional(),
    occupancy: finite.optional(),
  }),
});

export const ReservoirStationPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.enum(['reservoir-station', 'rain-gauge']),
  values: values({
    waterLevel: finite.optional(),
    rainfall: finite.optional(),
    inflow: finite.optional(),
    gateOpening: finite.optional(),
  }),
});

/** Fault flags of the uCIFI outdoor lamp controller plus supply alarms vendors report. */
export const LightingFaultSchema = z.enum([
  'lamp-failure',
  'control-gear-failure',
  'relay-failure',
  'day-burner',
  'cycling-failure',
  'thermal-derating',
  'supply-voltage-high',
  'supply-voltage-low',
  'power-factor-low',
  'communication-lost',
]);
export type LightingFault = z.infer<typeof LightingFaultSchema>;

export const LightingPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.enum(['lamp', 'lighting-cabinet']),
  /** FIWARE Streetlight powerState. */
  powerState: z.enum(['on', 'off', 'low', 'bootingUp']),
  values: values({
    power: finite.optional(),
    voltage: finite.optional(),
    current: finite.optional(),
    dimming: finite.optional(),
  }),
  faults: z.array(LightingFaultSchema).max(16).default([]),
});

export const TelemetryPayloadSchema = z.discriminatedUnion('kind', [
  AirStationPayloadSchema,
  SurfaceWaterStationPayloadSchema,
  WastewaterStationPayloadSchema,
  TrafficCounterPayloadSchema,
  ReservoirStationPayloadSchema,
  LightingPayloadSchema,
]);
export type TelemetryPayload = z.infer<typeof TelemetryPayloadSchema>;

export const CameraEventTypeSchema = z.enum(['crowd', 'intrusion', 'congestion', 'red-light-violation', 'wrong-way-violation']);
export type CameraEventType = z.infer<typeof CameraEventTypeSchema>;

/** An AI camera's detection, published on `.../event`. */
export const CameraEventPayloadSchema = z.strictObject({
  ...envelope,
  kind: z.literal('camera'),
  eventId: z.string().min(1).max(100),
  eventType: CameraEventTypeSchema,
  confidence: z.number().min(0).max(1),
  /** People in a crowd, vehicles in a queue, violators in the frame. */
  count: z.number().int().nonnegative(),
  zone: z.string().max(100).optional(),
  /** Plate of the violating vehicle, when the camera reads one. */
  plate: z.string().max(20).optional(),
  snapshotUrl: z.url().optional(),
});
export type CameraEventPayload = z.infer<typeof CameraEventPayloadSchema>;
