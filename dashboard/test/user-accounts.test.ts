import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditEntry } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { createDashboard } from '../src/dashboard.js';
import { ADMIN_PASSWORD, ENGINEER, OPERATOR, callApi, startTestDashboard, type ApiCall, type TestDashboard, type TestDashboardOptions } from './support/test-dashboard.js';

/** Accounts admins create here; the seeded OPERATOR and ENGINEER are configured accounts. */
const HOA = { username: 'hoa.le', password: 'hoa-password-123', role: 'operator' } as const;
const CHI = { username: 'chi.pham', password: 'chi-password-123', role: 'admin' } as const;

let test: TestDashboard;
let running: TestDashboard | undefined;
let folder: string;
let databaseFile: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ioc-accounts-'));
  databaseFile = join(folder, 'ioc.sqlite');
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await rm(folder, { recursive: true, force: true });
});

/** A dashboard on the shared record, as after a restart when it runs a second time. */
async function start(options: TestDashboardOptions = {}) {
  await running?.close();
  running = test = await startTestDashboard({ database: { file: databaseFile }, ...options });
}

/** Status and body only: the tests below compare whole answers. */
const call = (path: string, options?: ApiCall) => callApi(test.url, path, options).then(({ status, body }) => ({ status, body }));

function login(username: string, password: string) {
  return call('/api/login', { body: { username, password } });
}

async function adminToken() {
  return test.login('admin', ADMIN_PASSWORD);
}

async function createUser(token: string, user: { username: string; password: string; role: string }) {
  const response = await call('/api/users', { token, body: user });
  expect(response.status).toBe(201);
  return response.body;
}

function auditEntries(): Promise<AuditEntry[]> {
  return test.auditEntries();
}

/** The record's files as bytes (database and write-ahead log), to check what never reaches them. */
async function recordBytes(): Promise<string> {
  const parts = await Promise.all(['', '-wal'].map((suffix) => readFile(`${databaseFile}${suffix}`).catch(() => Buffer.alloc(0))));
  return Buffer.concat(parts).toString('latin1');
}

describe('accounts survive a restart', () => {
  it('keeps created, changed and disabled accounts in the record and serves them after a restart', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    await createUser(admin, { username: 'tuan.vo', password: 'tuan-password-123', role: 'operator' });
    expect((await call('/api/users/hoa.le/role', { token: admin, method: 'PUT', body: { role: 'environment-admin' } })).status).toBe(200);
    expect((await call('/api/users/tuan.vo/disable', { token: admin, method: 'POST' })).status).toBe(200);
    const before = (await call('/api/users', { token: admin })).body;

    await start();
    expect((await call('/api/users', { token: await adminToken() })).body).toEqual(before);
    const hoa = await login(HOA.username, HOA.password);
    expect(hoa.body.user).toEqual({ username: 'hoa.le', role: 'environment-admin' });
    expect((await login('tuan.vo', 'tuan-password-123')).body.code).toBe('IOC_ACCOUNT_DISABLED');

    expect((await stat(databaseFile)).mode & 0o777).toBe(0o600);
    const text = await recordBytes();
    for (const password of [HOA.password, 'tuan-password-123', ADMIN_PASSWORD, OPERATOR.password]) expect(text).not.toContain(password);
  });

  it('lists accounts without password hashes, marking those configuration sets', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    const list = (await call('/api/users', { token: admin })).body;
    expect(list.map((user: { username: string }) => user.username)).toEqual(['admin', 'hoa.le', 'lan.nguyen', 'minh.tran']);
    expect(list[0]).toMatchObject({ role: 'admin', disabled: false, configuredBy: 'IOC_ADMIN_PASSWORD' });
    expect(list[1]).toEqual({ username: 'hoa.le', role: 'operator', disabled: false, createdAt: expect.any(Number), updatedAt: expect.any(Number) });
    expect(list[2].configuredBy).toBe('IOC_USERS');
    expect(JSON.stringify(list)).not.toMatch(/hash|scrypt\$/i);
  });

  it('applies configuration at every start: configuration wins on role and password, a disable made here sticks', async () => {
    await start();
    const admin = await adminToken();
    expect((await call(`/api/users/${OPERATOR.username}/disable`, { token: admin, method: 'POST' })).status).toBe(200);
    const firstStart = (await auditEntries()).length;

    await start({ users: { seed: [{ ...OPERATOR, role: 'engineer', password: 'a-new-configured-password' }, ENGINEER] } });
    const list = (await call('/api/users', { token: await adminToken() })).body;
    expect(list.find((user: { username: string }) => user.username === OPERATOR.username)).toMatchObject({ role: 'engineer', disabled: true });
    expect((await login(OPERATOR.username, 'a-new-configured-password')).body.code).toBe('IOC_ACCOUNT_DISABLED');
    const configured = (await auditEntries()).slice(firstStart).filter((entry) => entry.action === 'user.configure');
    expect(configured).toEqual([
      expect.objectContaining({ actor: 'system', target: OPERATOR.username, details: { source: 'IOC_USERS', created: false, changed: ['role', 'password'] } }),
    ]);
  });

  it('enables the first admin again at start when configuration would leave no admin enabled', async () => {
    await start();
    await createUser(await adminToken(), CHI);
    const chi = (await login(CHI.username, CHI.password)).body.token;
    expect((await call('/api/users/admin/disable', { token: chi, method: 'POST' })).status).toBe(200);

    await start({ users: { seed: [{ ...CHI, role: 'operator' }] } });
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
    const admin = (await auditEntries()).findLast((entry) => entry.action === 'user.configure' && entry.target === 'admin');
    expect(admin?.details).toEqual({ source: 'IOC_ADMIN_PASSWORD', created: false, changed: ['enabled'] });
  });

  it('refuses to start on a database it cannot open, saying what to do', async () => {
    // A file where the database's folder should be.
    await writeFile(join(folder, 'not-a-folder'), 'x');
    const logger = pino({ level: 'silent' });
    const bus = new InProcessBus({ logger });
    try {
      const starting = createDashboard({ bus, logger, registry: new Registry(), database: { file: join(folder, 'not-a-folder', 'ioc.sqlite') }, users: { adminPassword: ADMIN_PASSWORD } });
      await expect(starting).rejects.toMatchObject({ code: 'IOC_DATABASE_UNREACHABLE', message: expect.stringContaining('check that its folder is writable') });
    } finally {
      await bus.close();
    }
  });
});

describe('account actions', () => {
  it('makes a role change effective on the next request of a token issued before it', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    const hoa = (await login(HOA.username, HOA.password)).body.token;
    expect((await call('/api/audit', { token: hoa })).status).toBe(403);

    const changed = await call('/api/users/Hoa.Le/role', { token: admin, method: 'PUT', body: { role: 'environment-admin' } });
    expect(changed.body).toMatchObject({ username: 'hoa.le', role: 'environment-admin' });
    expect((await call('/api/audit', { token: hoa })).status).toBe(200);
    expect((await call('/api/me', { token: hoa })).body.user.role).toBe('environment-admin');

    await call('/api/users/hoa.le/role', { token: admin, method: 'PUT', body: { role: 'engineer' } });
    expect((await call('/api/audit', { token: hoa })).status).toBe(403);
    const entries = (await auditEntries()).filter((entry) => entry.action === 'user.role-change');
    expect(entries.map((entry) => [entry.actor, entry.role, entry.target, entry.details])).toEqual([
      ['admin', 'admin', 'hoa.le', { from: 'operator', to: 'environment-admin' }],
      ['admin', 'admin', 'hoa.le', { from: 'environment-admin', to: 'engineer' }],
    ]);
  });

  it('disables: logins and existing tokens are refused at once; enabling lets the user log in again but not revive old tokens', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    const old = (await login(HOA.username, HOA.password)).body.token;

    const disabled = await call('/api/users/hoa.le/disable', { token: admin, method: 'POST' });
    expect(disabled.body).toMatchObject({ username: 'hoa.le', disabled: true });
    const refused = await call('/api/alerts', { token: old });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 'IOC_ACCOUNT_DISABLED', message: 'The account "hoa.le" is disabled; ask an admin to enable it.' });
    expect((await login(HOA.username, HOA.password)).body.code).toBe('IOC_ACCOUNT_DISABLED');
    expect((await login(HOA.username, 'a-wrong-password')).body.code).toBe('IOC_BAD_CREDENTIALS');
    // Disabling twice changes nothing and writes no second entry.
    expect((await call('/api/users/hoa.le/disable', { token: admin, method: 'POST' })).status).toBe(200);

    expect((await call('/api/users/hoa.le/enable', { token: admin, method: 'POST' })).body.disabled).toBe(false);
    expect((await call('/api/alerts', { token: old })).body.code).toBe('IOC_SESSION_REVOKED');
    const fresh = await login(HOA.username, HOA.password);
    expect((await call('/api/alerts', { token: fresh.body.token })).status).toBe(200);

    const actions = (await auditEntries()).filter((entry) => entry.target === 'hoa.le').map((entry) => [entry.action, entry.details?.reason]);
    expect(actions).toEqual([
      ['user.create', undefined],
      ['user.login', undefined],
      ['user.disable', undefined],
      ['user.login-failed', 'disabled'],
      ['user.login-failed', 'wrong-credentials'],
      ['user.enable', undefined],
      ['user.login', undefined],
    ]);
  });

  it('resets a password: the old one and the sessions made with it stop working', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    const old = (await login(HOA.username, HOA.password)).body.token;

    expect((await call('/api/users/hoa.le/password', { token: admin, method: 'PUT', body: { password: 'reset-by-the-admin' } })).status).toBe(200);
    expect((await call('/api/alerts', { token: old })).body.code).toBe('IOC_SESSION_REVOKED');
    expect((await login(HOA.username, HOA.password)).body.code).toBe('IOC_BAD_CREDENTIALS');
    expect((await login(HOA.username, 'reset-by-the-admin')).status).toBe(200);
    const entry = (await auditEntries()).find((e) => e.action === 'user.password-reset');
    expect(entry).toMatchObject({ actor: 'admin', target: 'hoa.le', details: { sessionsEnded: true } });
    expect(JSON.stringify(await auditEntries())).not.toContain('reset-by-the-admin');
    expect(await recordBytes()).not.toContain('reset-by-the-admin');
  });

  it('deletes: the account cannot log in, its tokens stop, and a new account of the same name does not inherit them', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    const old = (await login(HOA.username, HOA.password)).body.token;

    expect((await call('/api/users/hoa.le', { token: admin, method: 'DELETE' })).status).toBe(204);
    expect((await call('/api/alerts', { token: old })).body.code).toBe('IOC_SESSION_REVOKED');
    expect((await login(HOA.username, HOA.password)).body.code).toBe('IOC_BAD_CREDENTIALS');
    const again = await call('/api/users/hoa.le', { token: admin, method: 'DELETE' });
    expect(again).toEqual({ status: 404, body: { code: 'IOC_USER_NOT_FOUND', message: 'No user "hoa.le"; GET /api/users lists them.' } });

    await createUser(admin, HOA);
    expect((await call('/api/alerts', { token: old })).body.code).toBe('IOC_SESSION_REVOKED');
    const deleted = (await auditEntries()).find((e) => e.action === 'user.delete');
    expect(deleted).toMatchObject({ actor: 'admin', target: 'hoa.le', details: { role: 'operator' } });
  });

  it('answers 404 for every action on an account that does not exist', async () => {
    await start();
    const admin = await adminToken();
    const attempts = [
      call('/api/users/nobody/role', { token: admin, method: 'PUT', body: { role: 'engineer' } }),
      call('/api/users/nobody/password', { token: admin, method: 'PUT', body: { password: 'long-enough-password' } }),
      call('/api/users/nobody/disable', { token: admin, method: 'POST' }),
      call('/api/users/nobody/enable', { token: admin, method: 'POST' }),
      call('/api/users/nobody', { token: admin, method: 'DELETE' }),
    ];
    for (const response of await Promise.all(attempts)) expect([response.status, response.body.code]).toEqual([404, 'IOC_USER_NOT_FOUND']);
  });

  it('keeps at least one enabled admin: the last one cannot disable, demote or delete themself', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, CHI);
    const chi = (await login(CHI.username, CHI.password)).body.token;
    expect((await call('/api/users/admin/disable', { token: chi, method: 'POST' })).status).toBe(200);

    const refusals = [
      await call('/api/users/chi.pham/disable', { token: chi, method: 'POST' }),
      await call('/api/users/chi.pham/role', { token: chi, method: 'PUT', body: { role: 'operator' } }),
      await call('/api/users/chi.pham', { token: chi, method: 'DELETE' }),
    ];
    for (const refused of refusals) {
      expect(refused).toEqual({
        status: 409,
        body: {
          code: 'IOC_LAST_ADMIN',
          message: '"chi.pham" is the last enabled admin, so this would leave nobody able to manage users; make another user admin (or enable one) first.',
        },
      });
    }
    expect((await call('/api/users', { token: chi })).body.find((user: { username: string }) => user.username === 'chi.pham')).toMatchObject({ role: 'admin', disabled: false });

    // With another admin enabled, the same demotion goes through and takes effect at once.
    expect((await call('/api/users/admin/enable', { token: chi, method: 'POST' })).status).toBe(200);
    expect((await call('/api/users/chi.pham/role', { token: chi, method: 'PUT', body: { role: 'operator' } })).status).toBe(200);
    expect((await call('/api/users', { token: chi })).status).toBe(403);
    expect((await auditEntries()).some((entry) => entry.action === 'user.role-change' && entry.actor === 'chi.pham')).toBe(true);
  });

  it('refuses changes to configured accounts that the next start would undo, but lets them be disabled', async () => {
    await start();
    const admin = await adminToken();
    const refusals = [
      await call(`/api/users/${OPERATOR.username}/role`, { token: admin, method: 'PUT', body: { role: 'engineer' } }),
      await call(`/api/users/${OPERATOR.username}/password`, { token: admin, method: 'PUT', body: { password: 'long-enough-password' } }),
      await call(`/api/users/${OPERATOR.username}`, { token: admin, method: 'DELETE' }),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('IOC_USER_CONFIGURED');
      expect(refused.body.message).toContain('change IOC_USERS and restart');
    }
    const adminRole = await call('/api/users/admin/role', { token: admin, method: 'PUT', body: { role: 'operator' } });
    expect(adminRole.body.message).toContain('IOC_ADMIN_PASSWORD');
    expect((await call(`/api/users/${OPERATOR.username}/disable`, { token: admin, method: 'POST' })).status).toBe(200);
  });

  it('refuses every account action to a user without user.manage', async () => {
    await start();
    const operator = await test.login(OPERATOR.username, OPERATOR.password);
    const attempts = [
      call('/api/users', { token: operator }),
      call('/api/users/minh.tran/role', { token: operator, method: 'PUT', body: { role: 'admin' } }),
      call('/api/users/minh.tran/password', { token: operator, method: 'PUT', body: { password: 'long-enough-password' } }),
      call('/api/users/minh.tran/disable', { token: operator, method: 'POST' }),
      call('/api/users/minh.tran/enable', { token: operator, method: 'POST' }),
      call('/api/users/minh.tran', { token: operator, method: 'DELETE' }),
    ];
    for (const response of await Promise.all(attempts)) expect([response.status, response.body.code]).toEqual([403, 'IOC_FORBIDDEN']);
    expect((await auditEntries()).filter((entry) => entry.action !== 'user.login' && entry.action !== 'user.configure')).toEqual([]);
  });

  it('names the field at fault in each request body', async () => {
    await start();
    const admin = await adminToken();
    await createUser(admin, HOA);
    const hoa = (await login(HOA.username, HOA.password)).body.token;
    const cases: Array<[string, string, unknown, string, string]> = [
      ['PUT', '/api/users/hoa.le/role', { role: 'boss' }, admin, 'role'],
      ['PUT', '/api/users/hoa.le/role', { role: 'engineer', disabled: true }, admin, '(root)'],
      ['PUT', '/api/users/hoa.le/password', { password: 'short' }, admin, 'password'],
      ['POST', '/api/users', { username: ' bad name', password: 'long-enough-password', role: 'operator' }, admin, 'username'],
      ['PUT', '/api/me/password', { currentPassword: HOA.password }, hoa, 'newPassword'],
      ['PUT', '/api/me/password', { currentPassword: '', newPassword: 'long-enough-password' }, hoa, 'currentPassword'],
    ];
    for (const [method, path, body, token, field] of cases) {
      const response = await call(path, { token, method, body });
      expect({ path, status: response.status, code: response.body.code, field: response.body.details.issues[0].path }).toEqual({
        path,
        status: 400,
        code: 'IOC_INVALID_REQUEST',
        field,
      });
    }
    expect((await call('/api/users/hoa.le/password', { token: admin, method: 'PUT', body: { password: 'short' } })).body.message).toContain(
      'password: use at least 12 characters',
    );
  });
});

describe("changing one's own password", () => {
  it('needs the current password, ends the other sessions and answers with a fresh token', async () => {
    await start();
    await createUser(await adminToken(), HOA);
    const first = (await login(HOA.username, HOA.password)).body.token;
    const second = (await login(HOA.username, HOA.password)).body.token;

    const wrong = await call('/api/me/password', { token: second, method: 'PUT', body: { currentPassword: 'not-the-password', newPassword: 'hoa-new-password-1' } });
    expect(wrong).toEqual({ status: 403, body: { code: 'IOC_CURRENT_PASSWORD_WRONG', message: 'The current password is wrong; your password was not changed.' } });
    expect((await login(HOA.username, HOA.password)).status).toBe(200);

    const changed = await call('/api/me/password', { token: second, method: 'PUT', body: { currentPassword: HOA.password, newPassword: 'hoa-new-password-1' } });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toEqual({ username: 'hoa.le', role: 'operator' });
    expect((await call('/api/alerts', { token: changed.body.token })).status).toBe(200);
    for (const old of [first, second]) expect((await call('/api/alerts', { token: old })).body.code).toBe('IOC_SESSION_REVOKED');
    expect((await login(HOA.username, HOA.password)).body.code).toBe('IOC_BAD_CREDENTIALS');
    expect((await login(HOA.username, 'hoa-new-password-1')).status).toBe(200);

    const entry = (await auditEntries()).find((e) => e.action === 'user.password-change');
    expect(entry).toMatchObject({ actor: 'hoa.le', role: 'operator', target: 'hoa.le', details: { sessionsEnded: true } });
    expect(JSON.stringify(await auditEntries())).not.toContain('hoa-new-password-1');
    expect(await recordBytes()).not.toContain('hoa-new-password-1');
  });

  it('counts wrong current passwords towards the login throttle', async () => {
    await start({ loginThrottle: { maxFailures: 2 } });
    await createUser(await adminToken(), HOA);
    const token = (await login(HOA.username, HOA.password)).body.token;
    const attempt = (currentPassword: string) => call('/api/me/password', { token, method: 'PUT', body: { currentPassword, newPassword: 'hoa-new-password-1' } });
    expect((await attempt('guess-number-1')).status).toBe(403);
    expect((await attempt('guess-number-2')).status).toBe(403);
    const locked = await attempt(HOA.password);
    expect([locked.status, locked.body.code]).toEqual([429, 'IOC_LOGIN_THROTTLED']);
  });

  it('is refused for an account whose password configuration sets', async () => {
    await start();
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const refused = await call('/api/me/password', { token, method: 'PUT', body: { currentPassword: OPERATOR.password, newPassword: 'a-password-of-my-own' } });
    expect([refused.status, refused.body.code]).toEqual([409, 'IOC_USER_CONFIGURED']);
    expect((await login(OPERATOR.username, OPERATOR.password)).status).toBe(200);
  });
});
