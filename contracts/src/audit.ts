import { z } from 'zod';

/** User actions the provinces' plans require us to keep: who did what, when, and why. */
export const AuditActionSchema = z.enum([
  'alert.acknowledge',
  'alert.resolve',
  'rules.change',
  /** A rule set taken out of force (RuleSetRemoval on ioc.rules). */
  'rules.remove',
  'user.login',
  'user.login-failed',
  'user.create',
  'user.role-change',
  'user.password-reset',
  'user.password-change',
  'user.disable',
  'user.enable',
  'user.delete',
  /** An account created or changed at start from configuration (IOC_ADMIN_PASSWORD, IOC_USERS); actor `system`. */
  'user.configure',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEntrySchema = z.strictObject({
  id: z.string().min(1),
  at: z.number().int(),
  actor: z.string().min(1),
  role: z.string().optional(),
  action: AuditActionSchema,
  /** What the action was applied to: an alert id, a rule-set id, a user name. */
  target: z.string(),
  comment: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
