import { z } from 'zod';
import { DomainSchema } from './domains.js';

export const AlertSeveritySchema = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

/** Lifecycle: open → acknowledged → resolved; open → resolved when the value returns to normal. */
export const AlertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertStateSchema>;

export const BilingualTextSchema = z.strictObject({ vi: z.string(), en: z.string() });
export type BilingualText = z.infer<typeof BilingualTextSchema>;

/** The change that produced an alert snapshot. */
export const AlertChangeSchema = z.enum(['opened', 'escalated', 'deescalated', 'acknowledged', 'resolved']);
export type AlertChange = z.infer<typeof AlertChangeSchema>;

/**
 * An alert as operators see it. Every change is published as a full snapshot on `ioc.alerts`;
 * replicas fold snapshots with `mergeAlert` (alert-lifecycle.ts), so the order and repetition
 * that at-least-once delivery brings cannot undo an acknowledgement or reopen a resolved alert.
 */
export const AlertSchema = z.strictObject({
  /** Deterministic: derived from the key and the reading that opened it, so a redelivered reading cannot open a second alert. */
  id: z.string().min(1),
  /** See `alertKey`: at most one alert per key is unresolved at a time. */
  key: z.string().min(1),
  /**
   * The rule set the rule belongs to: several sets are in force at once, and the same rule id
   * in two sets raises two alerts. Absent on alerts raised before that, which belong to `default`.
   */
  ruleSetId: z.string().optional(),
  ruleId: z.string(),
  ruleVersion: z.number().int(),
  ruleType: z.string(),
  domain: DomainSchema,
  deviceId: z.string(),
  siteId: z.string(),
  ward: z.string(),
  metric: z.string().optional(),
  severity: AlertSeveritySchema,
  state: AlertStateSchema,
  lastChange: AlertChangeSchema,
  openedAt: z.number().int(),
  updatedAt: z.number().int(),
  /** The value that triggered or last changed the alert. */
  value: z.number().nullable(),
  /** What the value was compared with: thresholds, window statistics, baselines, rule parameters. */
  evidence: z.record(z.string(), z.unknown()),
  message: BilingualTextSchema,
  acknowledgedAt: z.number().int().optional(),
  acknowledgedBy: z.string().optional(),
  acknowledgeComment: z.string().optional(),
  resolvedAt: z.number().int().optional(),
  /** `system` when the value returned to normal, else the user who resolved it. */
  resolvedBy: z.string().optional(),
  resolveComment: z.string().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** The id of the rule set the processor starts with (its built-in defaults). */
export const DEFAULT_RULE_SET_ID = 'default';

/**
 * What identifies an alert's episode: `${ruleId}|${deviceId}` for the default rule set, as before
 * several rule sets were in force (so alerts raised then are continued, not opened again), and
 * `${ruleSetId}/${ruleId}|${deviceId}` for any other set. Identifiers cannot hold "/" or "|".
 */
export function alertKey(ruleId: string, deviceId: string, ruleSetId: string = DEFAULT_RULE_SET_ID): string {
  return ruleSetId === DEFAULT_RULE_SET_ID ? `${ruleId}|${deviceId}` : `${ruleSetId}/${ruleId}|${deviceId}`;
}

/** The rule set an alert belongs to. */
export function ruleSetOf(alert: Pick<Alert, 'ruleSetId'>): string {
  return alert.ruleSetId ?? DEFAULT_RULE_SET_ID;
}
