import { dashboardError } from '../errors.js';
import type { FastifyError, FastifyInstance } from 'fastify';
import { IocError } from '../../../platform/src/index.js';

/** Every error leaves as `{code, message, details?}` from the error registry. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | IocError, request, reply) => {
    if (error instanceof IocError) return reply.status(error.statusCode).send(error.toJSON());
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(dashboardError('IOC_INVALID_REQUEST', [error.message]).toJSON());
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(dashboardError('IOC_INTERNAL', [request.id]).toJSON());
  });

  app.setNotFoundHandler((request, reply) => reply.status(404).send(dashboardError('IOC_NOT_FOUND', [request.url.split('?')[0]]).toJSON()));
}
