import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus, type DatabaseLocation } from '../../../platform/src/index.js';
import type { AuditEntry } from '../../../contracts/src/index.js';
import { recentAuditEntries } from '../../src/record/audit-record.js';
import { openRecord } from '../../src/record/open-record.js';
import { createDashboard, type Dashboard, type DashboardOptions } from '../../src/dashboard.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const OPERATOR = { username: 'lan.nguyen', password: 'operator-password-1', role: 'operator' } as const;
export const ENGINEER = { username: 'minh.tran', password: 'engineer-password-1', role: 'engineer' } as const;

export interface TestDashboard {
  dashboard: Dashboard;
  bus: InProcessBus;
  /** The record this dashboard uses: give it to another dashboard to run a second replica or start again on the same data. */
  database: DatabaseLocation;
  url: string;
  port: number;
  login(username: string, password: string): Promise<string>;
  /** Every audit entry in the record, oldest first. */
  auditEntries(): Promise<AuditEntry[]>;
  /** GET an API path with a token; the parsed body, or undefined unless 200. */
  get<T>(path: string, token: string): Promise<T | undefined>;
  close(): Promise<void>;
}

export type TestDashboardOptions = Partial<Omit<DashboardOptions, 'users'>> & { users?: Partial<DashboardOptions['users']> };

/**
 * A dashboard on loopback (a free port unless given), with an in-process bus (new unless given),
 * a temporary SQLite record (unless `database` names one, e.g. to start again on the same data or
 * run a second replica) and two extra users.
 */
export async function startTestDashboard(options: TestDashboardOptions = {}, port = 0): Promise<TestDashboard> {
  const folder = await mkdtemp(join(tmpdir(), 'ioc-dashboard-'));
  const users = { adminPassword: ADMIN_PASSWORD, seed: [OPERATOR, ENGINEER], ...options.users };
  const database = options.database ?? { file: join(folder, 'ioc.sqlite') };
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const bus = options.bus instanceof InProcessBus ? options.bus : new InProcessBus({ logger });
  const dashboard = await createDashboard({
    bus,
    logger,
    registry: new Registry(),
    tokenSecret: 'test-secret-that-is-long-enough-for-hmac',
    ...options,
    database,
    users,
  });
  await dashboard.whenReady();
  const bound = await dashboard.listen(port);
  return {
    dashboard,
    bus,
    database,
    url: bound.url,
    port: bound.port,
    async auditEntries() {
      const record = await openRecord(database);
      try {
        return (await recentAuditEntries(record.db, 1_000_000)).reverse();
      } finally {
        await record.close();
      }
    },
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
      if (options.bus !== bus) await bus.close();
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
