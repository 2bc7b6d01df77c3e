import { z } from 'zod';
import { DeviceKindSchema, DomainSchema, IdentifierSchema } from './domains.js';

/**
 * What the processor keeps about each device across its own restarts, on `ioc.devices`
 * (compacted, keyed by device id): where the device is, which telemetry partition carries its
 * readings, and how often it usually reports. Without it a restarted processor would not know a
 * device that went quiet while it was down, and could never alert that it is missing.
 */
export const DeviceCheckpointSchema = z.strictObject({
  deviceId: IdentifierSchema,
  domain: DomainSchema,
  kind: DeviceKindSchema,
  siteId: IdentifierSchema,
  ward: z.string().min(1),
  /** The `ioc.telemetry` partition the device's readings arrive on: the instance that owns it watches the device. */
  partition: z.number().int().nonnegative(),
  /** When ingest last received a reading from the device, epoch milliseconds. */
  lastReceivedAt: z.number().int(),
  /** The learned usual time between its readings; null until enough readings were seen. */
  usualIntervalMs: z.number().positive().nullable(),
  /** Intervals the usual interval was learned from. */
  intervals: z.number().int().nonnegative(),
  /** When the processor wrote this checkpoint, epoch milliseconds. */
  checkpointedAt: z.number().int(),
});
export type DeviceCheckpoint = z.infer<typeof DeviceCheckpointSchema>;
