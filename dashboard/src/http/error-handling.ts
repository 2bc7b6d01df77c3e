import { dashboardError } from '../errors.js';
import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { IocError, describeIssues, summarizeIssues } from '../../../platform/src/index.js';

/** Every error leaves as `{code, message, details?}` from the error registry. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | IocError, request, reply) => {
    if (error instanceof IocError) return reply.status(error.statusCode).send(error.toJSON());
    if (hasZodFastifySchemaValidationErrors(error)) return reply.status(400).send(invalidRequest(error.validation).toJSON());
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(dashboardError('IOC_INVALID_REQUEST', [error.message]).toJSON());
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(dashboardError('IOC_INTERNAL', [request.id]).toJSON());
  });

  app.setNotFoundHandler((request, reply) => reply.status(404).send(dashboardError('IOC_NOT_FOUND', [request.url.split('?')[0]]).toJSON()));
}

/** A route schema refused the request: name each field at fault, as `path: message`. */
function invalidRequest(validation: FastifySchemaValidationError[]) {
  const issues = validation.map((v) => ({ path: pathOf(v.instancePath), message: v.message ?? 'is invalid' }));
  return dashboardError('IOC_INVALID_REQUEST', [summarizeIssues(issues)], { details: { issues: describeIssues(issues) } });
}

/** `/rules/0/warning` back to zod's path `['rules', 0, 'warning']`: all-digit segments are array indices. */
function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
