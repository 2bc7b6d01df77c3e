import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
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
import { SessionGrantSchema, SessionUserSchema, UserSchema, errorResponses } from '../schemas.js';

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
  const schema = {
    tags: ['session'],
    summary: 'Log in: answers a token to send as `Authorization: Bearer <token>` (audited)',
    body: LoginSchema,
    response: { 200: SessionGrantSchema, ...errorResponses(400, 401, 429) },
  };
  app.withTypeProvider<ZodTypeProvider>().post('/api/login', { schema }, async (request, reply) => {
    const { username, password } = request.body;
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
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  /** A user-management route: admins only, about the user named in the path; `{ body }` when it takes one. */
  const manage = <B extends object>(summary: string, request: B) => ({
    preValidation: requirePermission('user.manage'),
    schema: { tags, summary, params: UserParamsSchema, ...request, response: { 200: UserSchema, ...errorResponses(400, 403, 404, 409) } },
  });

  api.get(
    '/api/me',
    { schema: { tags: ['session'], summary: 'Who is logged in, and until when', response: { 200: z.strictObject({ user: SessionUserSchema, expiresAt: z.number().int() }) } } },
    async (request) => ({
      user: { username: request.session.username, role: request.session.role },
      expiresAt: request.session.expiresAt,
    }),
  );

  /**
   * Any logged-in user, given the current password. Other sessions of the account end, so the
   * answer carries a fresh token, as a login does. Wrong guesses count towards the login throttle.
   */
  api.put(
    '/api/me/password',
    {
      schema: {
        tags: ['session'],
        summary: 'Change your own password; other sessions end and the answer carries a fresh token (audited)',
        body: OwnPasswordSchema,
        response: { 200: SessionGrantSchema, ...errorResponses(400, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
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
    },
  );

  api.get(
    '/api/users',
    {
      preValidation: requirePermission('user.manage'),
      schema: { tags, summary: 'Every account, by username (never a password hash)', response: { 200: z.array(UserSchema), ...errorResponses(403) } },
    },
    async () => deps.users.list(),
  );

  api.post(
    '/api/users',
    {
      preValidation: requirePermission('user.manage'),
      schema: { tags, summary: 'Create an account (audited)', body: NewUserSchema, response: { 201: UserSchema, ...errorResponses(400, 403, 409) } },
    },
    async (request, reply) => reply.status(201).send(await deps.accounts.create(request.session, request.body)),
  );

  api.put('/api/users/:username/role', manage('Change a user’s role (audited)', { body: RoleChangeSchema }), async (request) =>
    deps.accounts.setRole(request.session, request.params.username, request.body.role),
  );

  api.put('/api/users/:username/password', manage('Set a new password for a user; their sessions end (audited)', { body: PasswordResetSchema }), async (request) =>
    deps.accounts.resetPassword(request.session, request.params.username, request.body.password),
  );

  api.post('/api/users/:username/disable', manage('Disable an account; its sessions end (audited)', {}), async (request) =>
    deps.accounts.setDisabled(request.session, request.params.username, true),
  );

  api.post('/api/users/:username/enable', manage('Enable a disabled account (audited)', {}), async (request) =>
    deps.accounts.setDisabled(request.session, request.params.username, false),
  );

  api.delete(
    '/api/users/:username',
    {
      preValidation: requirePermission('user.manage'),
      schema: {
        tags,
        summary: 'Delete an account; its sessions end (audited)',
        params: UserParamsSchema,
        response: { 204: z.undefined().meta({ description: 'Deleted' }), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deps.accounts.remove(request.session, request.params.username);
      return reply.status(204).send();
    },
  );
}
