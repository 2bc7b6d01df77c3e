import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, RuleSetSchema, acknowledgeAlert, resolveAlert, type Alert, type AuditEntry, type RuleSetInput } from '../../../contracts/src/index.js';
import { InProcessBus, migrateDatabase, openDatabase, type DatabaseLocation } from '../../../platform/src/index.js';
import WebSocket from 'ws';
import { hashPassword } from '../../src/auth/password.js';
import { WS_CLOSE } from '../../src/ws-messages.js';
import { RECORD_MIGRATIONS } from '../../src/record/migrations.js';
import type { RecordSchema } from '../../src/record/schema.js';
import { makeAlert } from './fixtures.js';
import { ADMIN_PASSWORD, OPERATOR, callApi, startTestDashboard, waitFor, type TestDashboard } from './test-dashboard.js';

/** A database of its own for one test, and how to remove it afterwards. */
export interface TestDatabase {
  location: DatabaseLocation;
  drop(): Promise<void>;
}

const DEPARTMENT = { username: 'thu.do', password: 'department-password-1', role: 'environment-admin' } as const;
const HOA = { username: 'hoa.le', password: 'hoa-password-123', role: 'operator' } as const;

function waterRules(version: number, warning = 2): RuleSetInput {
  return {
    id: 'water-department',
    version,
    rules: [
      {
        id: 'reservoir-level-high',
        version: 1,
        type: 'threshold',
        domain: 'reservoir',
        name: { vi: 'Mực nước hồ cao', en: 'Reservoir level high' },
        metric: 'waterLevel',
        direction: 'above',
        warning,
        critical: 3,
      },
    ],
  };
}

/**
 * What several dashboard replicas on one database must share, run against one engine: accounts
 * and sessions, rule-set versions, alert histories and audit entries written through one replica
 * and read through the other; and a record left by the previous release brought up to date.
 */
export function describeSharedRecord(engine: string, createDatabase: () => Promise<TestDatabase>) {
  describe(`the operations record on ${engine}`, () => {
    let database: TestDatabase;
    let bus: InProcessBus;
    const running: TestDashboard[] = [];
    beforeEach(async () => {
      database = await createDatabase();
      bus = new InProcessBus({ logger: pino({ level: 'silent' }) });
    });
    afterEach(async () => {
      for (const dashboard of running.splice(0)) await dashboard.close();
      await bus.close();
      await database.drop();
    });

    async function replica(accountsRefreshMs = 50): Promise<TestDashboard> {
      const dashboard = await startTestDashboard({
        bus,
        database: database.location,
        accountsRefreshMs,
        users: { adminPassword: ADMIN_PASSWORD, seed: [OPERATOR, DEPARTMENT] },
      });
      running.push(dashboard);
      return dashboard;
    }

    it('shares accounts and sessions: created on one replica, used and disabled on the other, refused there on the next request', async () => {
      // No periodic refresh within the test: each request checks the record itself.
      const [a, b] = [await replica(60_000), await replica(60_000)];
      const adminOnA = await a.login('admin', ADMIN_PASSWORD);
      expect((await callApi(a.url, '/api/users', { token: adminOnA, body: HOA })).status).toBe(201);

      const hoaOnB = await b.login(HOA.username, HOA.password);
      expect((await callApi(b.url, '/api/me', { token: hoaOnB })).body.user).toEqual({ username: HOA.username, role: 'operator' });
      expect((await callApi(b.url, '/api/users', { token: await b.login('admin', ADMIN_PASSWORD) })).body.map((user: { username: string }) => user.username)).toContain(HOA.username);

      expect((await callApi(a.url, `/api/users/${HOA.username}/disable`, { token: adminOnA, method: 'POST' })).status).toBe(200);
      expect((await callApi(b.url, '/api/me', { token: hoaOnB })).body.code).toBe('IOC_ACCOUNT_DISABLED');
      expect((await callApi(b.url, '/api/login', { body: { username: HOA.username, password: HOA.password } })).body.code).toBe('IOC_ACCOUNT_DISABLED');
    });

    it('closes a live connection on one replica when the account is disabled on the other', async () => {
      const [a, b] = [await replica(), await replica()];
      const socket = new WebSocket(`${b.url.replace('http', 'ws')}/ws`, ['ioc.v1', `bearer.${await b.login(OPERATOR.username, OPERATOR.password)}`]);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      const adminOnA = await a.login('admin', ADMIN_PASSWORD);
      expect((await callApi(a.url, `/api/users/${OPERATOR.username}/disable`, { token: adminOnA, method: 'POST' })).status).toBe(200);
      expect(await closed).toBe(WS_CLOSE.sessionEnded);
    });

    it('shares rule sets: every version and removal made on one replica is listed and in the history on the other', async () => {
      const [a, b] = [await replica(), await replica()];
      const onA = await a.login(DEPARTMENT.username, DEPARTMENT.password);
      const onB = await b.login(DEPARTMENT.username, DEPARTMENT.password);
      const put = (url: string, token: string, ruleSet: RuleSetInput, comment: string) => callApi(url, '/api/rule-sets/water-department', { token, method: 'PUT', body: { ruleSet, comment } });

      expect((await put(a.url, onA, waterRules(1), 'Hồ Tây: first limits')).status).toBe(200);
      expect((await put(a.url, onA, waterRules(2, 2.5), 'Rainy season: higher warning level')).status).toBe(200);
      expect((await callApi(b.url, '/api/rule-sets', { token: onB })).body.map((set: { id: string; version: number }) => [set.id, set.version])).toEqual([['water-department', 2]]);
      // Replica B started from the same history: a stale version is refused there too.
      expect((await put(b.url, onB, waterRules(2, 2.8), 'edited on a stale copy')).body.code).toBe('IOC_RULE_SET_VERSION');

      const removed = await callApi(b.url, '/api/rule-sets/water-department', { token: onB, method: 'DELETE', body: { comment: 'Merged into the default set' } });
      expect(removed.body).toMatchObject({ id: 'water-department', removed: true, version: 3, removedBy: DEPARTMENT.username, reason: 'Merged into the default set' });
      expect((await callApi(a.url, '/api/rule-sets', { token: onA })).body).toEqual([]);
      expect((await callApi(a.url, '/api/rule-sets/water-department', { token: onA })).body.code).toBe('IOC_RULE_SET_NOT_FOUND');

      const history = (await callApi(a.url, '/api/rule-sets/water-department/history', { token: onA })).body;
      expect(history.map((entry: { version: number; kind: string; changedBy: string; comment: string }) => [entry.version, entry.kind, entry.changedBy, entry.comment])).toEqual([
        [1, 'version', DEPARTMENT.username, 'Hồ Tây: first limits'],
        [2, 'version', DEPARTMENT.username, 'Rainy season: higher warning level'],
        [3, 'removal', DEPARTMENT.username, 'Merged into the default set'],
      ]);
      expect(history[1].record.rules[0].warning).toBe(2.5);
    });

    it('keeps one lifecycle per alert, whichever replica acted and however often snapshots arrive', async () => {
      const [a, b] = [await replica(), await replica()];
      const opened = makeAlert({ deviceId: 'ho-tay-level-01', siteId: 'HN-RES-HOTAY', ward: 'Phường Tây Hồ', domain: 'reservoir', ruleId: 'reservoir-level-high', metric: 'waterLevel', value: 2.3 });
      await bus.publish(BUS_TOPICS.alerts, [{ key: opened.key, value: opened }]);
      const operatorOnA = await a.login(OPERATOR.username, OPERATOR.password);
      await waitFor(async () => ((await callApi(a.url, `/api/alerts/${encodeURIComponent(opened.id)}`, { token: operatorOnA })).status === 200 ? true : undefined), 'the alert on A');
      await waitFor(async () => ((await callApi(b.url, `/api/alerts/${encodeURIComponent(opened.id)}`, { token: operatorOnA })).status === 200 ? true : undefined), 'the alert on B');

      const acknowledged = await callApi(a.url, `/api/alerts/${encodeURIComponent(opened.id)}/acknowledge`, { token: operatorOnA, body: { comment: 'Đã báo đội vận hành cống' } });
      expect(acknowledged.status).toBe(200);
      const escalated: Alert = { ...acknowledged.body, severity: 'critical', lastChange: 'escalated', value: 3.1, updatedAt: acknowledged.body.updatedAt + 60_000 };
      const resolved = resolveAlert({ ...escalated, value: 1.9 }, 'system', escalated.updatedAt + 60_000);
      // Each snapshot twice, as redelivery brings them; both replicas record every one.
      await bus.publish(BUS_TOPICS.alerts, [escalated, escalated, resolved, resolved].map((value) => ({ key: value.key, value })));

      const operatorOnB = await b.login(OPERATOR.username, OPERATOR.password);
      const page = await waitFor(async () => {
        const body = (await callApi(b.url, '/api/alerts?station=HN-RES-HOTAY', { token: operatorOnB })).body;
        return body.alerts[0]?.state === 'resolved' ? body : undefined;
      }, 'the resolved alert on B');
      expect(page.total).toBe(1);
      expect(page.alerts[0].lifecycle).toEqual([
        { change: 'opened', at: opened.openedAt, severity: 'warning', value: 2.3 },
        { change: 'acknowledged', at: acknowledged.body.acknowledgedAt, by: OPERATOR.username, comment: 'Đã báo đội vận hành cống', severity: 'warning', value: 2.3 },
        { change: 'escalated', at: escalated.updatedAt, severity: 'critical', value: 3.1 },
        { change: 'resolved', at: resolved.resolvedAt, by: 'system', severity: 'critical', value: 1.9 },
      ]);
      // Both replicas wrote the same steps; neither duplicated one.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await callApi(a.url, `/api/alerts/${encodeURIComponent(opened.id)}`, { token: operatorOnA })).body.lifecycle).toHaveLength(4);
    });

    it('answers "what happened at this reservoir last week?" from the history, paged, with text search ignoring diacritics', async () => {
      const a = await replica();
      const weekStart = Date.parse('2026-11-23T00:00:00+07:00');
      const day = 24 * 3600_000;
      const atReservoir = (index: number, openedAt: number) =>
        makeAlert({ deviceId: `hotay-${index}`, siteId: 'HN-RES-HOTAY', ward: 'Phường Tây Hồ', domain: 'reservoir', ruleId: 'reservoir-level-high', metric: 'waterLevel', openedAt, message: { vi: 'Mực nước hồ Tây vượt ngưỡng', en: 'West Lake level above the limit' } });
      const lastWeek = [1, 2, 3].map((n) => resolveAlert(atReservoir(n, weekStart + n * day), 'system', weekStart + n * day + 3600_000));
      const stillOpen = atReservoir(4, weekStart + 6 * day);
      const before = resolveAlert(atReservoir(5, weekStart - 3 * day), 'system', weekStart - 2 * day);
      const elsewhere = makeAlert({ deviceId: 'hk-air-01', openedAt: weekStart + day });
      const escaped = makeAlert({ deviceId: 'percent_device', openedAt: weekStart + 2 * day, message: { vi: 'độ ẩm 100% tại trạm', en: 'humidity 100% at the station' } });
      const all = [...lastWeek, stillOpen, before, elsewhere, escaped];
      await bus.publish(BUS_TOPICS.alerts, all.map((value) => ({ key: value.key, value })));
      const token = await a.login(OPERATOR.username, OPERATOR.password);
      await waitFor(async () => ((await callApi(a.url, '/api/alerts?limit=1', { token })).body.total === all.length ? true : undefined), 'every alert in the record');

      const week = `from=${encodeURIComponent('2026-11-23T00:00:00+07:00')}&to=${weekStart + 7 * day}`;
      const ids = async (query: string) => (await callApi(a.url, `/api/alerts?${query}`, { token })).body.alerts.map((alert: Alert) => alert.deviceId);
      expect(await ids(`station=HN-RES-HOTAY&${week}`)).toEqual(['hotay-4', 'hotay-3', 'hotay-2', 'hotay-1']);
      const firstPage = (await callApi(a.url, `/api/alerts?station=HN-RES-HOTAY&${week}&limit=2`, { token })).body;
      expect(firstPage).toMatchObject({ total: 4, offset: 0, limit: 2 });
      expect(await ids(`station=HN-RES-HOTAY&${week}&limit=2&offset=2`)).toEqual(['hotay-2', 'hotay-1']);
      expect(await ids(`station=HN-RES-HOTAY&${week}&state=resolved`)).toEqual(['hotay-3', 'hotay-2', 'hotay-1']);
      expect(await ids(`text=${encodeURIComponent('tay ho')}&${week}`)).toEqual(['hotay-4', 'hotay-3', 'hotay-2', 'hotay-1']);
      expect(await ids(`text=${encodeURIComponent('HỒ TÂY vượt')}`)).toEqual(['hotay-4', 'hotay-3', 'hotay-2', 'hotay-1', 'hotay-5']);
      expect(await ids(`ward=${encodeURIComponent('Phường Hoàn Kiếm')}&domain=environment`)).toEqual(['percent_device', 'hk-air-01']);
      expect(await ids(`text=${encodeURIComponent('100%')}`)).toEqual(['percent_device']);
      expect(await ids(`text=${encodeURIComponent('t_y')}`)).toEqual([]);
      expect(await ids(`rule=reservoir-level-high&severity=critical`)).toEqual([]);
      expect((await callApi(a.url, `/api/alerts?from=${weekStart + day}&to=${weekStart}`, { token })).body.details.issues[0].path).toBe('to');
    });

    it('keeps audit entries written through one replica readable through the other', async () => {
      const [a, b] = [await replica(), await replica()];
      const adminOnA = await a.login('admin', ADMIN_PASSWORD);
      await callApi(a.url, '/api/users', { token: adminOnA, body: HOA });
      const audit: AuditEntry[] = (await callApi(b.url, '/api/audit?limit=1000', { token: await b.login('admin', ADMIN_PASSWORD) })).body;
      expect(audit.find((entry) => entry.action === 'user.create')).toMatchObject({ actor: 'admin', target: HOA.username });
      expect(audit.filter((entry) => entry.action === 'user.login').length).toBeGreaterThanOrEqual(2);
    });

    it('brings a record left by the previous release up to date, keeping its accounts, rule sets and audit entries', async () => {
      const previous = await openDatabase<RecordSchema>(database.location);
      const first = Object.keys(RECORD_MIGRATIONS.migrations).sort()[0];
      expect(await migrateDatabase(previous, RECORD_MIGRATIONS, first)).toEqual([first]);
      const createdAt = Date.parse('2026-10-01T08:00:00+07:00');
      await previous.db
        .insertInto('accounts')
        .values({ username_key: HOA.username, username: HOA.username, role: 'operator', password_hash: await hashPassword(HOA.password), created_at: createdAt, updated_at: createdAt, disabled_at: null, sessions_valid_from: createdAt })
        .execute();
      await previous.db.insertInto('record_revisions').values({ name: 'accounts', revision: 1 }).execute();
      await previous.db.insertInto('audit_entries').values({ id: 'old-entry', at: createdAt, actor: 'admin', role: 'admin', action: 'user.create', target: HOA.username, comment: null, details: '{"role":"operator"}' }).execute();
      const ruleSet = RuleSetSchema.parse({ ...waterRules(1), updatedAt: createdAt, updatedBy: DEPARTMENT.username });
      await previous.db
        .insertInto('rule_set_versions')
        .values({ rule_set_id: 'water-department', version: 1, kind: 'version', record: JSON.stringify(ruleSet), changed_at: createdAt, changed_by: DEPARTMENT.username, comment: 'from the previous release' })
        .execute();
      await previous.close();

      const upgraded = await replica();
      const token = await upgraded.login(HOA.username, HOA.password);
      expect((await callApi(upgraded.url, '/api/rule-sets', { token })).body).toEqual([ruleSet]);
      const admin = await upgraded.login('admin', ADMIN_PASSWORD);
      expect((await callApi(upgraded.url, '/api/audit?limit=1000', { token: admin })).body.find((entry: AuditEntry) => entry.id === 'old-entry')).toEqual({
        id: 'old-entry',
        at: createdAt,
        actor: 'admin',
        role: 'admin',
        action: 'user.create',
        target: HOA.username,
        details: { role: 'operator' },
      });
      // The alert history the second migration added works on the upgraded record.
      const alert = acknowledgeAlert(makeAlert({ deviceId: 'after-upgrade' }), OPERATOR.username, Date.now(), 'seen');
      await bus.publish(BUS_TOPICS.alerts, [{ key: alert.key, value: alert }]);
      await waitFor(async () => ((await callApi(upgraded.url, '/api/alerts?station=after-upgrade', { token })).body.total === 1 ? true : undefined), 'the alert in the history');
    });
  });
}
