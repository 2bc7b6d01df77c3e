import { dashboardError } from '../errors.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS, allows, type Permission } from '../auth/roles.js';
import type { Session } from '../auth/tokens.js';
import { ErrorSchema } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on every authenticated route. */
    session: Session;
  }
}

/**
 * onRequest hook: accepts `Authorization: Bearer <token>` and nothing else. `verify` checks the
 * token and the account behind it as it stands now (disabled, deleted, role changed).
 */
export function authenticate(verify: (token: string) => Session | Promise<Session>) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/i.exec(header);
    if (!match) throw dashboardError('IOC_UNAUTHENTICATED');
    request.session = await verify(match[1]);
  };
}

/**
 * Puts every route registered on `api` behind `authenticate`, and says so in the OpenAPI document:
 * the bearer scheme and the 401 answer.
 */
export function requireLogin(api: FastifyInstance, verify: (token: string) => Session | Promise<Session>) {
  // Declared up front (null until `authenticate` sets it) so every request object keeps one shape.
  api.decorateRequest('session', null as never);
  api.addHook('onRequest', authenticate(verify));
  api.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ bearer: [] }], response: { 401: ErrorSchema, ...(route.schema?.response as object | undefined) } };
  });
}

/** preValidation: refuses (403) a logged-in user whose role lacks the permission. */
export function requirePermission(permission: Permission) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!allows(request.session.role, permission)) throw dashboardError('IOC_FORBIDDEN', [request.session.role, PERMISSIONS[permission].join(', ')]);
  };
}
