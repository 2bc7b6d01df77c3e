import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AlertChangeSchema, AlertSchema, AlertSeveritySchema, DomainSchema } from '../../../../contracts/src/index.js';
import type { AlertActions } from '../../alerts/alert-actions.js';
import { findAlert, findAlerts } from '../../record/alert-history.js';
import type { OperationsRecord } from '../../record/open-record.js';
import { requirePermission } from '../auth.js';
import { API_SCHEMAS, IdParamsSchema, commentSchema, errorResponses } from '../schemas.js';

export interface AlertRouteDeps {
  record: OperationsRecord;
  actions: AlertActions;
}

/** A moment as epoch milliseconds or an ISO-8601 date-time with its zone (`2026-12-01T00:00:00+07:00`). */
const InstantSchema = z
  .union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((text) => Date.parse(text))])
  .meta({ description: 'epoch ms, or ISO-8601 with zone' });

const ListQuerySchema = z
  .object({
    from: InstantSchema.optional().meta({ description: 'Alerts still unresolved at or after this moment (epoch ms or ISO-8601).' }),
    to: InstantSchema.optional().meta({ description: 'Alerts opened at or before this moment (epoch ms or ISO-8601).' }),
    state: z
      .enum(['open', 'acknowledged', 'resolved', 'unresolved', 'all'])
      .default('all')
      .meta({ description: '`unresolved` is open and acknowledged together; `all` (default) includes resolved alerts.' }),
    domain: DomainSchema.optional(),
    ward: z.string().min(1).optional().meta({ description: 'The ward or commune, exactly as alerts name it.' }),
    station: z.string().min(1).optional().meta({ description: 'A site id or device id.' }),
    severity: AlertSeveritySchema.optional(),
    rule: z.string().min(1).optional().meta({ description: 'A rule id.' }),
    ruleSet: z.string().min(1).optional().meta({ description: 'A rule-set id.' }),
    text: z.string().trim().min(1).max(200).optional().meta({ description: 'Words found in ids, ward, metric, messages or comments; case and Vietnamese diacritics ignored.' }),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { path: ['to'], message: 'must not be before from' });

const LifecycleEntrySchema = z.strictObject({
  change: AlertChangeSchema,
  at: z.number().int(),
  by: z.string().optional().meta({ description: 'Who acknowledged or resolved (`system` when the value returned to normal).' }),
  comment: z.string().optional(),
  severity: AlertSeveritySchema,
  value: z.number().nullable(),
});
const AlertWithHistorySchema = AlertSchema.extend({ lifecycle: z.array(LifecycleEntrySchema) }).register(API_SCHEMAS, { id: 'AlertWithHistory' });
const AlertPageSchema = z.strictObject({
  total: z.number().int().meta({ description: 'Every alert matching the query, across all pages.' }),
  offset: z.number().int(),
  limit: z.number().int(),
  alerts: z.array(AlertWithHistorySchema),
});

/** Operators must say what they did: the comment is the audit trail's "why". */
const ActionBodySchema = z.strictObject({ comment: commentSchema('write a comment saying what was done (1–1000 characters)') });

export function alertRoutes(app: FastifyInstance, deps: AlertRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];

  api.get(
    '/api/alerts',
    {
      schema: {
        tags,
        summary: 'Alert history: open and closed alerts matching the filters, newest opened first, each with its lifecycle; paged by offset and limit',
        querystring: ListQuerySchema,
        response: { 200: AlertPageSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { state, ...filters } = request.query;
      return findAlerts(deps.record.db, { ...filters, ...(state === 'all' ? {} : { state }) });
    },
  );

  api.get(
    '/api/alerts/:id',
    { schema: { tags, summary: 'One alert with its lifecycle', params: IdParamsSchema, response: { 200: AlertWithHistorySchema, ...errorResponses(404) } } },
    async (request) => {
      const alert = await findAlert(deps.record.db, request.params.id);
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
