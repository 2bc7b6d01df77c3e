import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.js';
import { requirePermission } from '../auth.js';
import { parseRequest } from '../validate.js';

const QuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function auditRoutes(app: FastifyInstance, deps: { auditLog: AuditLog }) {
  /** Recent audit entries, newest first (the file holds the full record). */
  app.get('/api/audit', { preHandler: requirePermission('audit.read') }, async (request) => {
    const { limit } = parseRequest(QuerySchema, request.query);
    return deps.auditLog.recent(limit);
  });
}
