import { z } from 'zod';
import { DeviceKindSchema, DomainSchema, IdentifierSchema } from './domains.js';
import { MetricNameSchema } from './metrics.js';

/**
 * The rule engine's state of one device, as the processor checkpoints it (on a compacted topic,
 * keyed by device id) so that a restarted or rebalanced processor continues where the last one
 * stopped: duration timers keep their start, windows and anomaly baselines their readings (no
 * second warm-up), missing-data rules the learned report interval, camera rules their counts,
 * and the hourly means and VN_AQI their open hours. Open alerts are not in it: they come back
 * from `ioc.alerts`, which the processor reads first.
 *
 * Plain JSON: numbers that are not a number yet (no reading so far) are null. Windows list their
 * times as the first time then the differences, which keeps them short.
 */
const MaybeNumber = z.number().nullable();

/** Readings (or camera events) of a window, oldest first: `t` = first time, then differences; `v` = values (event counts). */
export const SavedSeriesSchema = z
  .strictObject({ t: z.array(z.number()), v: z.array(z.number()) })
  .refine((series) => series.t.length === series.v.length, { message: 't and v must have the same length' });
export type SavedSeries = z.infer<typeof SavedSeriesSchema>;

/** An exponentially weighted mean and variance: weight, mean, sum of squares, last time, readings. */
export const SavedStatsSchema = z.tuple([z.number(), MaybeNumber, z.number(), MaybeNumber, z.number().int().nonnegative()]);
export type SavedStats = z.infer<typeof SavedStatsSchema>;

/** An anomaly rule's baseline: a window (median/MAD), an EWMA, or one EWMA per local hour (null: hour not seen yet). */
export const SavedAnomalySchema = z.strictObject({
  firstTime: MaybeNumber,
  anomalous: z.boolean(),
  lastAnomalousAt: MaybeNumber,
  window: SavedSeriesSchema.optional(),
  ewma: SavedStatsSchema.optional(),
  seasonal: z.array(SavedStatsSchema.nullable()).optional(),
});
export type SavedAnomaly = z.infer<typeof SavedAnomalySchema>;

/** A rate-of-change window with its running sums (kept, so the rates continue to the last bit). */
export const SavedRateOfChangeSchema = z.strictObject({
  window: SavedSeriesSchema,
  /** Origin time and value the sums are taken from. */
  origin: z.tuple([z.number(), z.number()]),
  /** Σt, Σx, Σt², Σtx. */
  sums: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  pushes: z.number().int().nonnegative(),
});
export type SavedRateOfChange = z.infer<typeof SavedRateOfChangeSchema>;

/** A flat run: start, end, min, max, readings in it, runs ended before it. */
export const SavedFlatlineSchema = z.tuple([MaybeNumber, MaybeNumber, MaybeNumber, MaybeNumber, z.number().int().nonnegative(), z.number().int().nonnegative()]);
export type SavedFlatline = z.infer<typeof SavedFlatlineSchema>;

/** A learned report interval (as on `ioc.devices`). */
export const SavedReportIntervalSchema = z.strictObject({
  lastSeen: MaybeNumber,
  usualIntervalMs: MaybeNumber,
  intervals: z.number().int().nonnegative(),
});
export type SavedReportInterval = z.infer<typeof SavedReportIntervalSchema>;

/** Camera events within the rule's window (`v`: people or vehicles per event), and whether the alert condition holds. */
export const SavedCameraCountSchema = z.strictObject({
  events: SavedSeriesSchema,
  lastEvent: MaybeNumber,
  active: z.boolean(),
  count: z.number().int().nonnegative(),
});
export type SavedCameraCount = z.infer<typeof SavedCameraCountSchema>;

/** One rule's state for the device; a rule with nothing to remember (condition clear, no alert, no memory of its kind) is left out. */
export const SavedRuleStateSchema = z.strictObject({
  set: IdentifierSchema,
  rule: IdentifierSchema,
  /**
   * Fingerprint of the rule's definition (every field but its name, source and version): state
   * saved under a definition that has changed since is dropped, for that rule only.
   */
  definition: z.string().min(1),
  /** The level the rule's condition was at: 0 none, 1 warning, 2 critical (hysteresis reads it). */
  level: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  /** Device time the condition has been at warning or worse since ("for 5 minutes" counts from here); absent when it is not. */
  breachSince: z.number().optional(),
  /** Device time the condition has been critical since; absent when it is not. */
  criticalSince: z.number().optional(),
  /** The alert that was open for the rule: when `ioc.alerts` says it has been resolved since, the state is stale and dropped. */
  alertId: z.string().optional(),
  /** The rule kind's own memory, absent for kinds that have none: one of the Saved* shapes above, by rule type. */
  state: z.unknown().optional(),
});
export type SavedRuleState = z.infer<typeof SavedRuleStateSchema>;

const PlaceSchema = z.strictObject({ domain: DomainSchema, kind: DeviceKindSchema, siteId: IdentifierSchema, ward: z.string().min(1) });

/** What the engine evaluated under one id: the device's readings, one kind of its derived readings, or a site's camera events. */
export const SavedStreamSchema = z.strictObject({
  /** `Reading.derived` of the derived readings; absent for measured readings and camera events. */
  derived: z.string().min(1).optional(),
  /** Set for the camera events of a whole site, counted together (the id is the site id). */
  site: z.literal(true).optional(),
  /** Where the stream's device is, when it differs from the checkpoint's place. */
  place: PlaceSchema.optional(),
  /** Device time and sequence number of the last reading or event evaluated; null before any. */
  lastTs: MaybeNumber,
  lastSeq: z.number().int(),
  rules: z.array(SavedRuleStateSchema),
});
export type SavedStream = z.infer<typeof SavedStreamSchema>;

/** The device's hour being averaged: per metric, the sum and the count of its readings so far. */
export const SavedHourSchema = z.strictObject({
  hourStart: z.number().int(),
  lastTs: z.number().int(),
  lastSeq: z.number().int(),
  receivedAt: z.number().int(),
  sums: z.partialRecord(MetricNameSchema, z.tuple([z.number(), z.number().int().nonnegative()])),
});
export type SavedHour = z.infer<typeof SavedHourSchema>;

/** Consecutive hourly means from hour number `from` (hours since 1970); null for an hour without one. */
export const SavedHoursSchema = z.strictObject({ from: z.number().int(), means: z.array(MaybeNumber) });
export type SavedHours = z.infer<typeof SavedHoursSchema>;

/** A station's hourly pollutant means for VN_AQI, per pollutant, and the day whose index is due. */
export const SavedStationAqiSchema = z.strictObject({
  pendingDay: MaybeNumber,
  hours: z.partialRecord(MetricNameSchema, SavedHoursSchema),
});
export type SavedStationAqi = z.infer<typeof SavedStationAqiSchema>;

/** Raised when the shape changes in a way an older processor cannot read. */
export const RULE_STATE_FORMAT = 1;

export const RuleStateCheckpointSchema = z.strictObject({
  format: z.literal(RULE_STATE_FORMAT),
  /** The device (or site, or station for VN_AQI) the state is kept under; the topic's key. */
  deviceId: IdentifierSchema,
  /** When the processor took it, epoch milliseconds (its clock). */
  takenAt: z.number().int(),
  place: PlaceSchema,
  /** The rule sets in force when it was taken, by id: their versions. */
  ruleSets: z.record(IdentifierSchema, z.number().int().positive()),
  streams: z.array(SavedStreamSchema),
  /** The hour of the device's readings being averaged. */
  hourly: SavedHourSchema.optional(),
  /** VN_AQI of the station whose id this is. */
  stationAqi: SavedStationAqiSchema.optional(),
});
export type RuleStateCheckpoint = z.infer<typeof RuleStateCheckpointSchema>;
