import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RuleSetRecordSchema, RuleSetRemovalSchema, RuleSetSchema } from '../../../../contracts/src/index.js';
import type { RuleSets } from '../../rules/rule-sets.js';
import { requirePermission } from '../auth.js';
import { API_SCHEMAS, IdParamsSchema, commentSchema, errorResponses } from '../schemas.js';

/** The rule set is validated by RuleSets against the contract, so that errors name its own fields. */
const ChangeBodySchema = z.strictObject({
  ruleSet: z.unknown().meta({
    description:
      'A RuleSet (as GET /api/rule-sets/{id} returns it) carrying the next version: the newest version or removal + 1, any version for an id never used. Checked against the contract; a refusal (IOC_INVALID_RULE_SET) names its fields.',
  }),
  comment: commentSchema('say why the rules change (1–1000 characters)'),
});
const RemoveBodySchema = z.strictObject({ comment: commentSchema('say why the rule set is taken out of force (1–500 characters)').max(500) });

const HistoryEntrySchema = z
  .strictObject({
    ruleSetId: z.string(),
    version: z.number().int(),
    kind: z.enum(['version', 'removal']),
    changedAt: z.number().int(),
    changedBy: z.string(),
    comment: z.string().optional(),
    record: RuleSetRecordSchema,
  })
  .register(API_SCHEMAS, { id: 'RuleSetHistoryEntry' });

export function ruleRoutes(app: FastifyInstance, deps: { ruleSets: RuleSets }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['rules'];

  api.get(
    '/api/rule-sets',
    { schema: { tags, summary: 'The rule sets in force (every one is evaluated), by id', response: { 200: z.array(RuleSetSchema) } } },
    async () => deps.ruleSets.list(),
  );

  api.get(
    '/api/rule-sets/:id',
    { schema: { tags, summary: 'One rule set in force', params: IdParamsSchema, response: { 200: RuleSetSchema, ...errorResponses(404) } } },
    async (request) => {
      const ruleSet = await deps.ruleSets.get(request.params.id);
      if (!ruleSet) throw dashboardError('IOC_RULE_SET_NOT_FOUND', [request.params.id]);
      return ruleSet;
    },
  );

  api.get(
    '/api/rule-sets/:id/history',
    {
      schema: {
        tags,
        summary: 'Every version and removal of a rule set, oldest first: who, when, why and the set as it was',
        params: IdParamsSchema,
        response: { 200: z.array(HistoryEntrySchema), ...errorResponses(404) },
      },
    },
    async (request) => deps.ruleSets.history(request.params.id),
  );

  api.put(
    '/api/rule-sets/:id',
    {
      preValidation: requirePermission('rules.change'),
      schema: {
        tags,
        summary: 'Replace a rule set or add one, saying why (kept as a new version, audited, published on ioc.rules)',
        params: IdParamsSchema,
        body: ChangeBodySchema,
        response: { 200: RuleSetSchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request) => deps.ruleSets.change(request.params.id, request.body.ruleSet, request.session, request.body.comment),
  );

  api.delete(
    '/api/rule-sets/:id',
    {
      preValidation: requirePermission('rules.change'),
      schema: {
        tags,
        summary: 'Take a rule set out of force, saying why: processors stop evaluating it and resolve its alerts with this reason (audited, published on ioc.rules)',
        params: IdParamsSchema,
        body: RemoveBodySchema,
        response: { 200: RuleSetRemovalSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => deps.ruleSets.remove(request.params.id, request.session, request.body.comment),
  );
}
