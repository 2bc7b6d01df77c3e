import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus } from '../../../platform/src/index.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { createDashboard, type Dashboard, type DashboardOptions } from '../../src/dashboard.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const OPERATOR = { username: 'lan.nguyen', password: 'operator-password-1', role: 'operator' } as const;
export const ENGINEER = { username: 'minh.tran', password: 'engineer-password-1', role: 'engineer' } as const;

export interface TestDashboard {
  dashboard: Dashboard;
  bus: InProcessBus;
  auditLog: AuditLog;
  auditPath: string;
  usersPath: string;
  url: string;
  port: number;
  login(username: string, password: string): Promise<string>;
  /** GET an API path with a token; the parsed body, or undefined unless 200. */
  get<T>(path: string, token: string): Promise<T | undefined>;
  close(): Promise<void>;
}

export type TestDashboardOptions = Partial<Omit<DashboardOptions, 'users'>> & { users?: Partial<DashboardOptions['users']> };

/**
 * A dashboard on loopback (a free port unless given), with an in-process bus (new unless given),
 * a temporary audit file, a temporary users file (unless `users.file` names one, e.g. to start
 * again on the same accounts) and two extra users.
 */
export async function startTestDashboard(options: TestDashboardOptions = {}, port = 0): Promise<TestDashboard> {
  const folder = await mkdtemp(join(tmpdir(), 'ioc-dashboard-'));
  const auditPath = join(folder, 'audit', 'audit.ndjson');
  const users = { file: join(folder, 'users.json'), adminPassword: ADMIN_PASSWORD, seed: [OPERATOR, ENGINEER], ...options.users };
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const bus = options.bus instanceof InProcessBus ? options.bus : new InProcessBus({ logger });
  const auditLog = await AuditLog.open({ path: auditPath, bus, logger });
  const dashboard = await createDashboard({
    bus,
    logger,
    registry: new Registry(),
    auditLog,
    tokenSecret: 'test-secret-that-is-long-enough-for-hmac',
    ...options,
    users,
  });
  await dashboard.whenReady();
  const bound = await dashboard.listen(port);
  return {
    dashboard,
    bus,
    auditLog,
    auditPath,
    usersPath: users.file,
    url: bound.url,
    port: bound.port,
    async login(username, password) {
      const response = await fetch(`${bound.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (!response.ok) throw new Error(`login as ${username} failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async get(path, token) {
      const response = await fetch(`${bound.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return response.ok ? await response.json() : undefined;
    },
    async close() {
      await dashboard.close();
      await auditLog.close();
      await bus.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ApiCall {
  token?: string;
  method?: string;
  body?: unknown;
}

/** One request to the dashboard's API as a client makes it: JSON in and out, the token as a Bearer header; GET without a body, POST with one unless `method` says otherwise. */
export async function callApi(baseUrl: string, path: string, options: ApiCall = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, headers: response.headers, body: response.status === 204 ? undefined : await response.json().catch(() => undefined) };
}
