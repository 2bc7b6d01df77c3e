import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AlertSchema } from '../../../../contracts/src/index.js';
import type { AlertActions } from '../../alerts/alert-actions.js';
import type { AlertStore } from '../../alerts/alert-store.js';
import { requirePermission } from '../auth.js';
import { IdParamsSchema, commentSchema, errorResponses } from '../schemas.js';

export interface AlertRouteDeps {
  alerts: AlertStore;
  actions: AlertActions;
  now: () => number;
}

const ListQuerySchema = z.object({
  state: z
    .enum(['open', 'acknowledged', 'resolved', 'unresolved'])
    .default('unresolved')
    .meta({ description: '`unresolved` is open and acknowledged together.' }),
});
/** Operators must say what they did: the comment is the audit trail's "why". */
const ActionBodySchema = z.strictObject({ comment: commentSchema('write a comment saying what was done (1–1000 characters)') });

export function alertRoutes(app: FastifyInstance, deps: AlertRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];

  api.get(
    '/api/alerts',
    { schema: { tags, summary: 'Alerts in a state, newest first', querystring: ListQuerySchema, response: { 200: z.array(AlertSchema), ...errorResponses(400) } } },
    async (request) => deps.alerts.list(request.query.state, deps.now()),
  );

  api.get(
    '/api/alerts/:id',
    { schema: { tags, summary: 'One alert', params: IdParamsSchema, response: { 200: AlertSchema, ...errorResponses(404) } } },
    async (request) => {
      const alert = deps.alerts.get(request.params.id);
      if (!alert) throw dashboardError('IOC_ALERT_NOT_FOUND', [request.params.id]);
      return alert;
    },
  );

  const action = (summary: string) => ({
    preValidation: requirePermission('alert.act'),
    schema: { tags, summary, params: IdParamsSchema, body: ActionBodySchema, response: { 200: AlertSchema, ...errorResponses(400, 403, 404, 409) } },
  });

  api.post('/api/alerts/:id/acknowledge', action('Acknowledge an open alert, saying what is being done (audited)'), async (request) =>
    deps.actions.acknowledge(request.params.id, request.session, request.body.comment),
  );

  api.post('/api/alerts/:id/resolve', action('Resolve an alert by hand, saying what was done (audited)'), async (request) =>
    deps.actions.resolve(request.params.id, request.session, request.body.comment),
  );
}
