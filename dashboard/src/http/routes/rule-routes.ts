import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RuleSetSchema } from '../../../../contracts/src/index.js';
import type { RuleSets } from '../../rules/rule-sets.js';
import { requirePermission } from '../auth.js';
import { IdParamsSchema, commentSchema, errorResponses } from '../schemas.js';

/** The rule set is validated by RuleSets against the contract, so that errors name its own fields. */
const ChangeBodySchema = z.strictObject({
  ruleSet: z.unknown().meta({
    description:
      'A RuleSet (as GET /api/rule-sets/{id} returns it) carrying the next version: held version + 1, any version for a new id. Checked against the contract; a refusal (IOC_INVALID_RULE_SET) names its fields.',
  }),
  comment: commentSchema('say why the rules change (1–1000 characters)'),
});

export function ruleRoutes(app: FastifyInstance, deps: { ruleSets: RuleSets }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['rules'];

  api.get(
    '/api/rule-sets',
    { schema: { tags, summary: 'Rule sets in force, by id', response: { 200: z.array(RuleSetSchema) } } },
    async () => deps.ruleSets.list(),
  );

  api.get(
    '/api/rule-sets/:id',
    { schema: { tags, summary: 'One rule set in force', params: IdParamsSchema, response: { 200: RuleSetSchema, ...errorResponses(404) } } },
    async (request) => {
      const ruleSet = deps.ruleSets.get(request.params.id);
      if (!ruleSet) throw dashboardError('IOC_RULE_SET_NOT_FOUND', [request.params.id]);
      return ruleSet;
    },
  );

  api.put(
    '/api/rule-sets/:id',
    {
      preValidation: requirePermission('rules.change'),
      schema: {
        tags,
        summary: 'Replace a rule set (or add one), saying why (audited, published on ioc.rules)',
        params: IdParamsSchema,
        body: ChangeBodySchema,
        response: { 200: RuleSetSchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request) => deps.ruleSets.change(request.params.id, request.body.ruleSet, request.session, request.body.comment),
  );
}
