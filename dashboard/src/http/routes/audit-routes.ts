import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntrySchema } from '../../../../contracts/src/index.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { requirePermission } from '../auth.js';
import { errorResponses } from '../schemas.js';

const QuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function auditRoutes(app: FastifyInstance, deps: { auditLog: AuditLog }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/audit',
    {
      preValidation: requirePermission('audit.read'),
      schema: {
        tags: ['audit'],
        summary: 'Recent audit entries, newest first',
        querystring: QuerySchema,
        response: { 200: z.array(AuditEntrySchema), ...errorResponses(400, 403) },
      },
    },
    async (request) => deps.auditLog.recent(request.query.limit),
  );
}
