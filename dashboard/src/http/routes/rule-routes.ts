import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RuleSets } from '../../rules/rule-sets.js';
import { requirePermission } from '../auth.js';
import { parseRequest } from '../validate.js';

const IdParamsSchema = z.object({ id: z.string().min(1) });
/** The rule set is validated by RuleSets against the contract, so that errors name its own fields. */
const ChangeBodySchema = z.strictObject({
  ruleSet: z.unknown(),
  comment: z
    .string({ error: 'say why the rules change (1–1000 characters)' })
    .trim()
    .min(1, 'say why the rules change (1–1000 characters)')
    .max(1000, 'keep the comment to 1000 characters or fewer'),
});

export function ruleRoutes(app: FastifyInstance, deps: { ruleSets: RuleSets }) {
  app.get('/api/rule-sets', async () => deps.ruleSets.list());

  app.get('/api/rule-sets/:id', async (request) => {
    const { id } = parseRequest(IdParamsSchema, request.params);
    const ruleSet = deps.ruleSets.get(id);
    if (!ruleSet) throw dashboardError('IOC_RULE_SET_NOT_FOUND', [id]);
    return ruleSet;
  });

  /** Body: `{ ruleSet, comment }`; `ruleSet.version` must be the held version + 1. */
  app.put('/api/rule-sets/:id', { preHandler: requirePermission('rules.change') }, async (request) => {
    const { id } = parseRequest(IdParamsSchema, request.params);
    const { ruleSet, comment } = parseRequest(ChangeBodySchema, request.body);
    return deps.ruleSets.change(id, ruleSet, request.session, comment);
  });
}
