import { z } from 'zod';
import { BilingualTextSchema } from './alert.js';
import { DeviceKindSchema, DomainSchema, IdentifierSchema } from './domains.js';

/**
 * Where a rule applies. A rule set may hold several entries with the same rule id at different
 * scopes; for a given device the narrowest matching scope wins (device > station > ward > domain),
 * which is how a department overrides a provincial default for one station.
 */
export const RuleScopeSchema = z.discriminatedUnion('level', [
  z.strictObject({ level: z.literal('domain') }),
  z.strictObject({ level: z.literal('ward'), ward: z.string().min(1) }),
  z.strictObject({ level: z.literal('station'), siteId: IdentifierSchema }),
  z.strictObject({ level: z.literal('device'), deviceId: IdentifierSchema }),
]);
export type RuleScope = z.infer<typeof RuleScopeSchema>;

export const SCOPE_RANK: Record<RuleScope['level'], number> = { domain: 0, ward: 1, station: 2, device: 3 };

/** The fields every rule type has, whatever its condition. */
export const ruleBaseFields = {
  id: IdentifierSchema,
  version: z.number().int().positive(),
  domain: DomainSchema,
  scope: RuleScopeSchema.default({ level: 'domain' }),
  enabled: z.boolean().default(true),
  name: BilingualTextSchema,
  /** Where the limit comes from (standard and edition), so operators can check it. */
  source: z.string().optional(),
  /** Device kinds the rule applies to, all kinds of its domain when omitted: surface water and wastewater stations report the same metrics against different limits. */
  deviceKinds: z.array(DeviceKindSchema).min(1).optional(),
  /**
   * Which readings the rule evaluates: measured ones when omitted, or the processor's derived
   * readings of this kind (`Reading.derived`: "hourly-mean", "vn-aqi-hourly", "vn-aqi-daily").
   * A rule never mixes the two, so hourly means do not enter the windows of raw readings.
   */
  derived: z.string().min(1).optional(),
};
