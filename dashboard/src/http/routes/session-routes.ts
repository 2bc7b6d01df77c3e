import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { iocError } from '../../../../platform/src/errors.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { LoginThrottle } from '../../auth/login-throttle.js';
import type { SessionTokens } from '../../auth/tokens.js';
import { NewUserSchema, type UserStore } from '../../auth/users.js';
import type { DashboardMetrics } from '../../metrics.js';
import { requirePermission } from '../auth.js';
import { parseRequest } from '../validate.js';

export interface SessionRouteDeps {
  users: UserStore;
  tokens: SessionTokens;
  throttle: LoginThrottle;
  auditLog: AuditLog;
  metrics: DashboardMetrics;
  now: () => number;
}

const LoginSchema = z.strictObject({
  username: z.string().min(1, 'enter your username').max(64),
  password: z.string().min(1, 'enter your password').max(200),
});

/** `POST /api/login`: the one API route that needs no token. Every outcome is audited. */
export function loginRoute(app: FastifyInstance, deps: SessionRouteDeps) {
  app.post('/api/login', async (request, reply) => {
    const { username, password } = parseRequest(LoginSchema, request.body);
    const throttleKey = `${username.toLowerCase()}|${request.ip}`;
    const failed = async (reason: 'wrong-credentials' | 'throttled') => {
      deps.metrics.logins.inc({ outcome: reason });
      await deps.auditLog.record({ actor: username, action: 'user.login-failed', target: username, details: { reason, ip: request.ip } });
    };

    const waitMs = deps.throttle.retryAfter(throttleKey, deps.now());
    if (waitMs > 0) {
      await failed('throttled');
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw iocError('IOC_LOGIN_THROTTLED', [String(seconds)], { retryAfterSeconds: seconds });
    }
    const user = await deps.users.authenticate(username, password);
    if (!user) {
      deps.throttle.recordFailure(throttleKey, deps.now());
      await failed('wrong-credentials');
      throw iocError('IOC_BAD_CREDENTIALS');
    }
    deps.throttle.recordSuccess(throttleKey);
    const { token, session } = deps.tokens.issue(user.username, user.role);
    deps.metrics.logins.inc({ outcome: 'success' });
    await deps.auditLog.record({ actor: user.username, role: user.role, action: 'user.login', target: user.username, details: { ip: request.ip } });
    return { token, user, expiresAt: session.expiresAt };
  });
}

/** Routes about the logged-in user and user management; registered behind `authenticate`. */
export function userRoutes(app: FastifyInstance, deps: SessionRouteDeps) {
  app.get('/api/me', async (request) => ({
    user: { username: request.session.username, role: request.session.role },
    expiresAt: request.session.expiresAt,
  }));

  app.get('/api/users', { preHandler: requirePermission('user.manage') }, async () => deps.users.list());

  app.post('/api/users', { preHandler: requirePermission('user.manage') }, async (request, reply) => {
    const input = parseRequest(NewUserSchema, request.body);
    const user = await deps.users.add(input);
    await deps.auditLog.record({
      actor: request.session.username,
      role: request.session.role,
      action: 'user.create',
      target: user.username,
      details: { role: user.role },
    });
    return reply.status(201).send(user);
  });
}
