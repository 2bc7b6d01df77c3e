import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, acknowledgeAlert, resolveAlert, type Alert, type AuditEntry } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import type { DeliveredRecord } from '../../platform/src/index.js';
import { makeAlert } from './support/fixtures.js';
import { ADMIN_PASSWORD, ENGINEER, OPERATOR, callApi, startTestDashboard, waitFor, type ApiCall, type TestDashboard } from './support/test-dashboard.js';

let test: TestDashboard;
afterEach(async () => {
  await test?.close();
});

const call = (path: string, options?: ApiCall) => callApi(test.url, path, options);

/** Publishes as the processor would and waits until the dashboard shows each alert. */
async function publishAlerts(...alerts: Alert[]) {
  await test.bus.publish(BUS_TOPICS.alerts, alerts.map((value) => ({ key: value.key, value })));
  const token = await test.login('admin', ADMIN_PASSWORD);
  for (const alert of alerts) await waitFor(() => fetchAlert(alert.id, token), `alert ${alert.id} in the dashboard`);
}

async function fetchAlert(id: string, token: string): Promise<Alert | undefined> {
  const { status, body } = await call(`/api/alerts/${encodeURIComponent(id)}`, { token });
  return status === 200 ? (body as Alert) : undefined;
}

function auditLines(): Promise<AuditEntry[]> {
  return test.auditEntries();
}

describe('authentication and roles', () => {
  it('refuses every API path without a token but serves probes, metrics and the page', async () => {
    test = await startTestDashboard();
    for (const path of ['/api/alerts', '/api/alerts?state=open', '/api/stations', '/api/me', '/api/audit', '/api/catalogue']) {
      const { status, body } = await call(path);
      expect({ path, status, code: body.code }).toEqual({ path, status: 401, code: 'IOC_UNAUTHENTICATED' });
    }
    expect((await call('/api/alerts/x/acknowledge', { body: { comment: 'x' } })).status).toBe(401);
    expect((await call('/healthz')).status).toBe(200);
    expect((await call('/readyz')).body).toEqual({ status: 'ready' });
    const page = await fetch(`${test.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="login-form"');
    const metrics = await fetch(`${test.url}/metrics`);
    expect(await metrics.text()).toContain('ioc_dashboard_logins_total');
  });

  it('logs in with the right password, refuses a wrong one, and audits both', async () => {
    test = await startTestDashboard();
    const wrong = await call('/api/login', { body: { username: 'admin', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('IOC_BAD_CREDENTIALS');
    const unknown = await call('/api/login', { body: { username: 'nobody', password: 'whatever-password' } });
    expect(unknown.body.code).toBe('IOC_BAD_CREDENTIALS');

    const right = await call('/api/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(right.status).toBe(200);
    expect(right.body.user).toEqual({ username: 'admin', role: 'admin' });
    expect(right.body.expiresAt).toBeGreaterThan(Date.now() + 11 * 3600_000);
    const me = await call('/api/me', { token: right.body.token });
    expect(me.body.user).toEqual({ username: 'admin', role: 'admin' });

    const entries = (await auditLines()).filter((e) => e.action.startsWith('user.login'));
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['user.login-failed', 'admin'],
      ['user.login-failed', 'nobody'],
      ['user.login', 'admin'],
    ]);
    expect(entries[0].details).toMatchObject({ reason: 'wrong-credentials', ip: '127.0.0.1' });
  });

  it('locks a username out from one address after repeated failures, even with the right password', async () => {
    test = await startTestDashboard({ loginThrottle: { maxFailures: 3 } });
    for (let i = 0; i < 3; i += 1) {
      expect((await call('/api/login', { body: { username: 'admin', password: `guess-${i}` } })).status).toBe(401);
    }
    const locked = await call('/api/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('IOC_LOGIN_THROTTLED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user from the same address is not affected.
    expect((await call('/api/login', { body: { username: OPERATOR.username, password: OPERATOR.password } })).status).toBe(200);
    const failures = (await auditLines()).filter((e) => e.action === 'user.login-failed');
    expect(failures.at(-1)?.details).toMatchObject({ reason: 'throttled' });
  });

  it('refuses a forged token and an expired one', async () => {
    let clock = Date.now();
    test = await startTestDashboard({ now: () => clock, tokenTtlMs: 60_000 });
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    expect((await call('/api/alerts', { token })).status).toBe(200);

    const [payload, signature] = token.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url');
    const forged = await call('/api/audit', { token: `${promoted}.${signature}` });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('IOC_UNAUTHENTICATED');

    clock += 60_001;
    const expired = await call('/api/alerts', { token });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('IOC_SESSION_EXPIRED');
  });

  it('answers 403 when the role may not do it', async () => {
    test = await startTestDashboard();
    const alert = makeAlert();
    await publishAlerts(alert);
    const engineer = await test.login(ENGINEER.username, ENGINEER.password);
    const operator = await test.login(OPERATOR.username, OPERATOR.password);

    const acknowledge = await call(`/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { token: engineer, body: { comment: 'seen' } });
    expect(acknowledge.status).toBe(403);
    expect(acknowledge.body).toMatchObject({ code: 'IOC_FORBIDDEN' });
    expect(acknowledge.body.message).toContain('"engineer"');
    expect((await call('/api/audit', { token: operator })).status).toBe(403);
    expect((await call('/api/users', { token: operator, body: { username: 'x', password: 'long-enough-password', role: 'admin' } })).status).toBe(403);
    expect((await fetchAlert(alert.id, operator))?.state).toBe('open');
  });

  it('lets an admin create a user who can then log in, and audits it', async () => {
    test = await startTestDashboard();
    const admin = await test.login('admin', ADMIN_PASSWORD);
    const created = await call('/api/users', { token: admin, body: { username: 'hoa.le', password: 'env-admin-password', role: 'environment-admin' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'hoa.le', role: 'environment-admin', disabled: false });
    const again = await call('/api/users', { token: admin, body: { username: 'hoa.le', password: 'another-password', role: 'operator' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('IOC_USER_EXISTS');

    const token = await test.login('hoa.le', 'env-admin-password');
    const audit = await call('/api/audit?limit=5', { token });
    expect(audit.status).toBe(200);
    expect(audit.body[0]).toMatchObject({ action: 'user.login', actor: 'hoa.le' });
    expect(audit.body[1]).toMatchObject({ action: 'user.create', actor: 'admin', target: 'hoa.le', details: { role: 'environment-admin' } });
  });
});

describe('alerts API', () => {
  it('lists alerts by state, newest opened first, each with its lifecycle', async () => {
    test = await startTestDashboard();
    const now = Date.now();
    const oldest = makeAlert({ deviceId: 'a-1', openedAt: now - 30_000 });
    const newest = makeAlert({ deviceId: 'a-2', openedAt: now - 10_000, severity: 'critical' });
    const middle = makeAlert({ deviceId: 'a-3', openedAt: now - 20_000 });
    const acknowledged = makeAlert({ deviceId: 'a-4', openedAt: now - 5_000, state: 'acknowledged', lastChange: 'acknowledged', acknowledgedBy: 'x', acknowledgedAt: now });
    const resolved = makeAlert({ deviceId: 'a-5', openedAt: now - 1_000, state: 'resolved', lastChange: 'resolved', resolvedBy: 'system', resolvedAt: now });
    await publishAlerts(oldest, newest, middle, acknowledged, resolved);
    const token = await test.login(OPERATOR.username, OPERATOR.password);

    const ids = async (query: string) => (await call(`/api/alerts${query}`, { token })).body.alerts.map((a: Alert) => a.id);
    const open = await call('/api/alerts?state=open', { token });
    expect(open.body).toMatchObject({ total: 3, offset: 0, limit: 50 });
    expect(open.body.alerts.map((a: Alert) => a.id)).toEqual([newest.id, middle.id, oldest.id]);
    expect(open.body.alerts[0]).toEqual({ ...newest, lifecycle: [{ change: 'opened', at: newest.openedAt, severity: 'critical', value: newest.value }] });
    expect(await ids('?state=unresolved')).toEqual([acknowledged.id, newest.id, middle.id, oldest.id]);
    expect(await ids('?state=resolved')).toEqual([resolved.id]);
    expect(await ids('')).toEqual([resolved.id, acknowledged.id, newest.id, middle.id, oldest.id]);

    const bad = await call('/api/alerts?state=closed', { token });
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues[0].path).toBe('state');
    expect((await call('/api/alerts/no-such-alert', { token })).body.code).toBe('IOC_ALERT_NOT_FOUND');
  });

  it('acknowledges: audits who, when and why, publishes the snapshot on ioc.alerts, returns the alert', async () => {
    test = await startTestDashboard();
    const alert = makeAlert();
    await publishAlerts(alert);
    const published: DeliveredRecord<typeof BUS_TOPICS.alerts>[] = [];
    await test.bus.consume(BUS_TOPICS.alerts, { groupId: 'test-observer' }, async (records) => {
      published.push(...records);
    });
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const before = Date.now();

    const response = await call(`/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { token, body: { comment: 'Đã cử đội kiểm tra trạm' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: alert.id, state: 'acknowledged', acknowledgedBy: OPERATOR.username, acknowledgeComment: 'Đã cử đội kiểm tra trạm' });

    // The record holds the entry by the time the request is answered.
    const entry = (await auditLines()).find((e) => e.action === 'alert.acknowledge');
    expect(entry).toMatchObject({ actor: OPERATOR.username, role: 'operator', target: alert.id, comment: 'Đã cử đội kiểm tra trạm' });
    expect(entry!.at).toBeGreaterThanOrEqual(before);
    expect(entry!.at).toBe(response.body.acknowledgedAt);

    const record = await waitFor(() => published.find((r) => r.value.state === 'acknowledged'), 'the acknowledged snapshot on ioc.alerts');
    expect(record.key).toBe(alert.key);
    expect(record.value).toEqual(response.body);
    expect((await call('/api/alerts?state=open', { token })).body.alerts).toEqual([]);
  });

  it('resolves manually with a comment, and refuses illegal transitions with 409', async () => {
    test = await startTestDashboard();
    const alert = makeAlert();
    await publishAlerts(alert);
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const path = `/api/alerts/${encodeURIComponent(alert.id)}`;

    expect((await call(`${path}/acknowledge`, { token, body: { comment: 'on it' } })).status).toBe(200);
    const twice = await call(`${path}/acknowledge`, { token, body: { comment: 'again' } });
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual({ code: 'IOC_ALERT_TRANSITION', message: 'An alert that is acknowledged cannot be acknowledged.' });

    const resolved = await call(`${path}/resolve`, { token, body: { comment: 'Thiết bị đã được hiệu chuẩn lại' } });
    expect(resolved.body).toMatchObject({ state: 'resolved', resolvedBy: OPERATOR.username, resolveComment: 'Thiết bị đã được hiệu chuẩn lại' });
    expect((await call(`${path}/resolve`, { token, body: { comment: 'again' } })).status).toBe(409);
    expect((await call(`${path}/acknowledge`, { token, body: { comment: 'late' } })).body.code).toBe('IOC_ALERT_TRANSITION');

    const actions = (await auditLines()).filter((e) => e.action.startsWith('alert.')).map((e) => e.action);
    expect(actions).toEqual(['alert.acknowledge', 'alert.resolve']);
  });

  it('names the field at fault when the comment is missing, blank or too long', async () => {
    test = await startTestDashboard();
    const alert = makeAlert();
    await publishAlerts(alert);
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const path = `/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`;

    for (const body of [{}, { comment: '   ' }, { comment: 'x'.repeat(1001) }, { comment: 42 }]) {
      const response = await call(path, { token, body });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('IOC_INVALID_REQUEST');
      expect(response.body.details.issues[0].path).toBe('comment');
      expect(response.body.message).toContain('comment:');
    }
    const extra = await call(path, { token, body: { comment: 'ok', state: 'resolved' } });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('state');
    expect((await fetchAlert(alert.id, token))?.state).toBe('open');
  });
});

describe('restart', () => {
  it('rebuilds the alert list from ioc.alerts when it starts after the alerts were published', async () => {
    const bus = new InProcessBus();
    const open = makeAlert({ deviceId: 'before-start-1' });
    const acknowledged = acknowledgeAlert(makeAlert({ deviceId: 'before-start-2' }), 'lan.nguyen', Date.now(), 'seen');
    const resolved = resolveAlert(makeAlert({ deviceId: 'before-start-3' }), 'system', Date.now());
    await bus.publish(BUS_TOPICS.alerts, [open, acknowledged, resolved].map((value) => ({ key: value.key, value })));

    test = await startTestDashboard({ bus });
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const unresolved = await waitFor(
      () => test.get<{ alerts: Alert[] }>('/api/alerts?state=unresolved', token).then((page) => (page?.alerts.length === 2 ? page.alerts : undefined)),
      'the replayed alerts',
    );
    expect(unresolved.map((a) => [a.deviceId, a.state]).sort()).toEqual([
      ['before-start-1', 'open'],
      ['before-start-2', 'acknowledged'],
    ]);
    await test.close();
    await bus.close();
  });
});
