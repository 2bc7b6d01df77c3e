import { z } from 'zod';
import { IdentifierSchema } from './domains.js';
import { MetricNameSchema } from './metrics.js';
import { ruleBaseFields } from './rule-base.js';
import { RULE_KIND_SCHEMAS } from './rule-kinds.js';

/**
 * A limit on one metric with a warning and/or critical level. Hysteresis stops an alert from
 * flapping around the limit: it clears only once the value is back past the limit by this much.
 * `forSeconds` is the minimum duration ("above 150 for 5 minutes"), measured in device time.
 */
export const ThresholdRuleSchema = z
  .strictObject({
    ...ruleBaseFields,
    type: z.literal('threshold'),
    metric: MetricNameSchema,
    direction: z.enum(['above', 'below']),
    warning: z.number().finite().optional(),
    critical: z.number().finite().optional(),
    hysteresis: z.number().finite().nonnegative().default(0),
    forSeconds: z.number().nonnegative().max(7 * 24 * 3600).default(0),
  })
  .superRefine((rule, ctx) => {
    if (rule.warning === undefined && rule.critical === undefined) {
      ctx.addIssue({ code: 'custom', path: ['warning'], message: 'set warning, critical or both' });
    }
    if (rule.warning !== undefined && rule.critical !== undefined) {
      const ordered = rule.direction === 'above' ? rule.critical >= rule.warning : rule.critical <= rule.warning;
      if (!ordered) {
        ctx.addIssue({
          code: 'custom',
          path: ['critical'],
          message: `critical must be ${rule.direction === 'above' ? 'at or above' : 'at or below'} warning (${rule.warning}) for direction "${rule.direction}"`,
        });
      }
    }
  });
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>;

/** Every rule type; each has a kind in rule-core/src/engine/kinds that evaluates it. */
export const RuleSchema = z.discriminatedUnion('type', [ThresholdRuleSchema, ...RULE_KIND_SCHEMAS]);
export type Rule = z.infer<typeof RuleSchema>;
export type RuleType = Rule['type'];

export const RuleSetSchema = z
  .strictObject({
    id: IdentifierSchema,
    version: z.number().int().positive(),
    description: z.string().optional(),
    updatedAt: z.number().int().optional(),
    updatedBy: z.string().optional(),
    rules: z.array(RuleSchema),
  })
  .superRefine((set, ctx) => {
    const seen = new Map<string, number>();
    set.rules.forEach((rule, index) => {
      const identity = `${rule.id}@${JSON.stringify(rule.scope)}`;
      const first = seen.get(identity);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `rule "${rule.id}" is already defined for this scope at rules[${first}]`,
        });
      } else seen.set(identity, index);
    });
  });
export type RuleSet = z.infer<typeof RuleSetSchema>;
/** What a user submits; defaults are filled in by parsing. */
export type RuleSetInput = z.input<typeof RuleSetSchema>;


/**
 * Takes a rule set out of force. Published on `ioc.rules` under the set's id, after its last
 * version: the processor stops evaluating the set and resolves its alerts with this reason.
 */
export const RuleSetRemovalSchema = z.strictObject({
  id: IdentifierSchema,
  removed: z.literal(true),
  /** One above the last version in force, so a removal is ordered like any change. */
  version: z.number().int().positive(),
  removedAt: z.number().int(),
  removedBy: z.string(),
  reason: z.string().max(500).optional(),
});
export type RuleSetRemoval = z.infer<typeof RuleSetRemovalSchema>;

/** What `ioc.rules` carries: a version of a rule set, or its removal. */
export const RuleSetRecordSchema = z.union([RuleSetSchema, RuleSetRemovalSchema]);
export type RuleSetRecord = z.infer<typeof RuleSetRecordSchema>;

export function isRuleSetRemoval(record: RuleSetRecord): record is RuleSetRemoval {
  return 'removed' in record;
}
