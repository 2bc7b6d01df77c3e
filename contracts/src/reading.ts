import { z } from 'zod';
import { DeviceKindSchema, DomainSchema, IdentifierSchema } from './domains.js';
import { MetricNameSchema } from './metrics.js';
import { CameraEventTypeSchema, LightingFaultSchema } from './device-payloads.js';

const placeFields = {
  deviceId: IdentifierSchema,
  domain: DomainSchema,
  kind: DeviceKindSchema,
  /** Station or site the device belongs to (a monitoring station, intersection, dam, lighting cabinet). */
  siteId: IdentifierSchema,
  ward: z.string().min(1),
  /** Device time, epoch milliseconds. */
  ts: z.number().int(),
  seq: z.number().int().nonnegative(),
  /** When ingest accepted the message, epoch milliseconds; latency is measured from here. */
  receivedAt: z.number().int(),
};

/**
 * The canonical reading every telemetry payload becomes: one device, one instant, several
 * metrics. This is what travels on `ioc.telemetry`, what rules evaluate and what the store keeps.
 */
export const ReadingSchema = z.strictObject({
  ...placeFields,
  metrics: z.partialRecord(MetricNameSchema, z.number().finite()),
  /** Lamp power state, for lighting devices. */
  powerState: z.enum(['on', 'off', 'low', 'bootingUp']).optional(),
  faults: z.array(LightingFaultSchema).optional(),
  /** Set on readings computed by the processor (hourly averages, VN_AQI) rather than measured. */
  derived: z.string().optional(),
});
export type Reading = z.infer<typeof ReadingSchema>;

/** The canonical camera event, on `ioc.camera-events`. */
export const CameraEventSchema = z.strictObject({
  ...placeFields,
  kind: z.literal('camera'),
  eventId: z.string().min(1),
  eventType: CameraEventTypeSchema,
  confidence: z.number().min(0).max(1),
  count: z.number().int().nonnegative(),
  zone: z.string().optional(),
  plate: z.string().optional(),
  snapshotUrl: z.string().optional(),
});
export type CameraEvent = z.infer<typeof CameraEventSchema>;
