import type { z } from 'zod';
import { BUS_TOPICS } from './topics.js';
import { CameraEventSchema, ReadingSchema } from './reading.js';
import { AlertSchema } from './alert.js';
import { RuleSetRecordSchema } from './rules.js';
import { DeadLetterSchema } from './dead-letter.js';
import { AuditEntrySchema } from './audit.js';
import { DeviceCheckpointSchema } from './device-checkpoint.js';
import { RuleStateCheckpointSchema } from './rule-state.js';

/** The schema of the value on each bus topic: one table, so producers and consumers cannot drift apart. */
export const BUS_SCHEMAS = {
  [BUS_TOPICS.telemetry]: ReadingSchema,
  [BUS_TOPICS.cameraEvents]: CameraEventSchema,
  [BUS_TOPICS.alerts]: AlertSchema,
  [BUS_TOPICS.rules]: RuleSetRecordSchema,
  [BUS_TOPICS.deadLetter]: DeadLetterSchema,
  [BUS_TOPICS.audit]: AuditEntrySchema,
  [BUS_TOPICS.devices]: DeviceCheckpointSchema,
  [BUS_TOPICS.ruleState]: RuleStateCheckpointSchema,
} as const;

export type BusSchemas = typeof BUS_SCHEMAS;
export type BusTopic = keyof BusSchemas;
export type BusValue<T extends BusTopic> = z.infer<BusSchemas[T]>;
