import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertActions } from '../../alerts/alert-actions.js';
import type { AlertStore } from '../../alerts/alert-store.js';
import { requirePermission } from '../auth.js';
import { parseRequest } from '../validate.js';

export interface AlertRouteDeps {
  alerts: AlertStore;
  actions: AlertActions;
  now: () => number;
}

const ListQuerySchema = z.object({
  state: z.enum(['open', 'acknowledged', 'resolved', 'unresolved']).default('unresolved'),
});
const IdParamsSchema = z.object({ id: z.string().min(1) });
/** Operators must say what they did: the comment is the audit trail's "why". */
const ActionBodySchema = z.strictObject({
  comment: z
    .string({ error: 'write a comment saying what was done (1–1000 characters)' })
    .trim()
    .min(1, 'write a comment saying what was done (1–1000 characters)')
    .max(1000, 'keep the comment to 1000 characters or fewer'),
});

export function alertRoutes(app: FastifyInstance, deps: AlertRouteDeps) {
  /** `state` defaults to `unresolved` (open and acknowledged); newest first. */
  app.get('/api/alerts', async (request) => {
    const { state } = parseRequest(ListQuerySchema, request.query);
    return deps.alerts.list(state, deps.now());
  });

  app.get('/api/alerts/:id', async (request) => {
    const { id } = parseRequest(IdParamsSchema, request.params);
    const alert = deps.alerts.get(id);
    if (!alert) throw dashboardError('IOC_ALERT_NOT_FOUND', [id]);
    return alert;
  });

  app.post('/api/alerts/:id/acknowledge', { preHandler: requirePermission('alert.act') }, async (request) => {
    const { id } = parseRequest(IdParamsSchema, request.params);
    const { comment } = parseRequest(ActionBodySchema, request.body);
    return deps.actions.acknowledge(id, request.session, comment);
  });

  app.post('/api/alerts/:id/resolve', { preHandler: requirePermission('alert.act') }, async (request) => {
    const { id } = parseRequest(IdParamsSchema, request.params);
    const { comment } = parseRequest(ActionBodySchema, request.body);
    return deps.actions.resolve(id, request.session, comment);
  });
}
