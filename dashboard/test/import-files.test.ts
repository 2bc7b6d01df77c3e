import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../contracts/src/index.js';
import { hashPassword } from '../src/auth/password.js';
import { ADMIN_PASSWORD, callApi, startTestDashboard, type TestDashboard } from './support/test-dashboard.js';

const HOA = { username: 'hoa.le', password: 'hoa-password-123' };
let folder: string;
let files: { users: string; audit: string };
let running: TestDashboard | undefined;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ioc-import-'));
  files = { users: join(folder, 'users.json'), audit: join(folder, 'audit.ndjson') };
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await rm(folder, { recursive: true, force: true });
});

async function start() {
  await running?.close();
  running = await startTestDashboard({ database: { file: join(folder, 'ioc.sqlite') }, importFiles: files });
  return running;
}

/** What the release before the database left: an account an admin made, a disabled one, and the audit file. */
async function writePreviousRelease() {
  const at = Date.parse('2026-10-01T08:00:00+07:00');
  const account = (username: string, password: string, disabled: boolean) =>
    hashPassword(password).then((passwordHash) => ({ username, role: 'operator', passwordHash, createdAt: at, updatedAt: at, disabled, sessionsValidFrom: at }));
  const users = [await account(HOA.username, HOA.password, false), await account('tuan.vo', 'tuan-password-123', true)];
  await writeFile(files.users, JSON.stringify({ version: 1, users }), { mode: 0o600 });
  const entries: AuditEntry[] = [
    { id: 'e1', at, actor: 'admin', role: 'admin', action: 'user.create', target: HOA.username, details: { role: 'operator' } },
    { id: 'e2', at: at + 1000, actor: HOA.username, role: 'operator', action: 'alert.acknowledge', target: 'pm25|hk-air-01|1', comment: 'đã kiểm tra' },
  ];
  await writeFile(files.audit, `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n{"half a line`);
  return entries;
}

describe('upgrading from the release that kept accounts and the audit log in files', () => {
  it('imports its accounts and audit entries once; later starts keep what was changed since', async () => {
    const entries = await writePreviousRelease();
    let dashboard = await start();
    expect((await callApi(dashboard.url, '/api/login', { body: HOA })).status).toBe(200);
    expect((await callApi(dashboard.url, '/api/login', { body: { username: 'tuan.vo', password: 'tuan-password-123' } })).body.code).toBe('IOC_ACCOUNT_DISABLED');
    const admin = await dashboard.login('admin', ADMIN_PASSWORD);
    const audit: AuditEntry[] = (await callApi(dashboard.url, '/api/audit?limit=1000', { token: admin })).body;
    expect(audit.filter((entry) => entry.id === 'e1' || entry.id === 'e2').reverse()).toEqual(entries);

    expect((await callApi(dashboard.url, `/api/users/${HOA.username}`, { token: admin, method: 'DELETE' })).status).toBe(204);
    dashboard = await start();
    expect((await callApi(dashboard.url, '/api/login', { body: HOA })).body.code).toBe('IOC_BAD_CREDENTIALS');
    const again: AuditEntry[] = (await callApi(dashboard.url, '/api/audit?limit=1000', { token: await dashboard.login('admin', ADMIN_PASSWORD) })).body;
    expect(again.filter((entry) => entry.id === 'e1')).toHaveLength(1);
  });

  it('refuses to start on a users file it cannot read, rather than without its accounts', async () => {
    await writeFile(files.users, '{"version":1,"users":[{"username":"admin"');
    await expect(start()).rejects.toMatchObject({ code: 'IOC_IMPORT_FILE_INVALID', message: expect.stringContaining('move it aside') });
  });

  it('starts as usual when there are no such files', async () => {
    const dashboard = await start();
    expect((await callApi(dashboard.url, '/api/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).status).toBe(200);
  });
});
