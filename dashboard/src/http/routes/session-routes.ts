import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IocError } from '../../../../platform/src/index.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { LoginThrottle } from '../../auth/login-throttle.js';
import { RoleSchema } from '../../auth/roles.js';
import type { SessionTokens } from '../../auth/tokens.js';
import type { UserAccounts } from '../../auth/user-accounts.js';
import { NewPasswordSchema, NewUserSchema, type UserStore } from '../../auth/users.js';
import type { DashboardMetrics } from '../../metrics.js';
import { requirePermission } from '../auth.js';
import { parseRequest } from '../validate.js';

export interface SessionRouteDeps {
  users: UserStore;
  accounts: UserAccounts;
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
    const failed = async (reason: 'wrong-credentials' | 'throttled' | 'disabled') => {
      deps.metrics.logins.inc({ outcome: reason });
      await deps.auditLog.record({ actor: username, action: 'user.login-failed', target: username, details: { reason, ip: request.ip } });
    };

    const waitMs = deps.throttle.retryAfter(throttleKey, deps.now());
    if (waitMs > 0) {
      await failed('throttled');
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw dashboardError('IOC_LOGIN_THROTTLED', [String(seconds)], { details: { retryAfterSeconds: seconds } });
    }
    const user = await deps.users.authenticate(username, password);
    if (!user) {
      deps.throttle.recordFailure(throttleKey, deps.now());
      await failed('wrong-credentials');
      throw dashboardError('IOC_BAD_CREDENTIALS');
    }
    deps.throttle.recordSuccess(throttleKey);
    if (user.disabled) {
      // Said only to someone who knows the password, so it reveals nothing to a guesser.
      await failed('disabled');
      throw dashboardError('IOC_ACCOUNT_DISABLED', [user.username]);
    }
    const { token, session } = deps.tokens.issue(user.username, user.role);
    deps.metrics.logins.inc({ outcome: 'success' });
    await deps.auditLog.record({ actor: user.username, role: user.role, action: 'user.login', target: user.username, details: { ip: request.ip } });
    return { token, user: { username: user.username, role: user.role }, expiresAt: session.expiresAt };
  });
}

const UserParamsSchema = z.strictObject({ username: z.string().min(1).max(64) });
const RoleChangeSchema = z.strictObject({ role: RoleSchema });
const PasswordResetSchema = z.strictObject({ password: NewPasswordSchema });
const OwnPasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, 'enter your current password').max(200),
  newPassword: NewPasswordSchema,
});

/** Routes about the logged-in user and user management; registered behind `authenticate`. */
export function userRoutes(app: FastifyInstance, deps: SessionRouteDeps) {
  const manage = { preHandler: requirePermission('user.manage') };
  const target = (params: unknown) => parseRequest(UserParamsSchema, params).username;

  app.get('/api/me', async (request) => ({
    user: { username: request.session.username, role: request.session.role },
    expiresAt: request.session.expiresAt,
  }));

  /**
   * Any logged-in user, given the current password. Other sessions of the account end, so the
   * answer carries a fresh token, as a login does. Wrong guesses count towards the login throttle.
   */
  app.put('/api/me/password', async (request, reply) => {
    const { currentPassword, newPassword } = parseRequest(OwnPasswordSchema, request.body);
    const throttleKey = `${request.session.username.toLowerCase()}|${request.ip}`;
    const waitMs = deps.throttle.retryAfter(throttleKey, deps.now());
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw dashboardError('IOC_LOGIN_THROTTLED', [String(seconds)], { details: { retryAfterSeconds: seconds } });
    }
    try {
      await deps.accounts.changeOwnPassword(request.session, currentPassword, newPassword);
    } catch (error) {
      if (error instanceof IocError && error.code === 'IOC_CURRENT_PASSWORD_WRONG') deps.throttle.recordFailure(throttleKey, deps.now());
      throw error;
    }
    deps.throttle.recordSuccess(throttleKey);
    const { token, session } = deps.tokens.issue(request.session.username, request.session.role);
    return { token, user: { username: session.username, role: session.role }, expiresAt: session.expiresAt };
  });

  app.get('/api/users', manage, async () => deps.users.list());

  app.post('/api/users', manage, async (request, reply) => {
    const input = parseRequest(NewUserSchema, request.body);
    return reply.status(201).send(await deps.accounts.create(request.session, input));
  });

  app.put('/api/users/:username/role', manage, async (request) => {
    const { role } = parseRequest(RoleChangeSchema, request.body);
    return deps.accounts.setRole(request.session, target(request.params), role);
  });

  app.put('/api/users/:username/password', manage, async (request) => {
    const { password } = parseRequest(PasswordResetSchema, request.body);
    return deps.accounts.resetPassword(request.session, target(request.params), password);
  });

  app.post('/api/users/:username/disable', manage, async (request) => deps.accounts.setDisabled(request.session, target(request.params), true));

  app.post('/api/users/:username/enable', manage, async (request) => deps.accounts.setDisabled(request.session, target(request.params), false));

  app.delete('/api/users/:username', manage, async (request, reply) => {
    await deps.accounts.remove(request.session, target(request.params));
    return reply.status(204).send();
  });
}
