import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadingSchema, type Reading } from '../../contracts/src/index.js';
import { cityEnvironment, startCityProcess, type CityProcess } from './support/city-process.js';
import { publishAirReadings } from './support/devices.js';

/**
 * `npm start` restarted on the same data directory, once with Ctrl+C and once with SIGKILL: the
 * device login, the session-token key (an old token still works), the first admin's password,
 * accounts and password resets made in the dashboard, a threshold change (kept, and what the
 * processor applies) and the stored readings all come back; the admin password is shown at the
 * first start only.
 */
let dataDir: string;
let environment: Record<string, string>;
let running: CityProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ioc-restart-'));
  environment = await cityEnvironment(dataDir);
});

afterAll(async () => {
  await running?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(overrides: Record<string, string> = {}): Promise<CityProcess> {
  running = await startCityProcess({ ...environment, ...overrides });
  return running;
}

async function api(city: CityProcess, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(`${city.banner.dashboardUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const login = (city: CityProcess, username: string, password: string) => api(city, '/api/login', { method: 'POST', body: { username, password } });

const STATION = { deviceId: 'aq-restart-01', siteId: 'hn-restart-aq', ward: 'Phường Hoàn Kiếm' };
let seq = 0;

/** Publishes `count` readings with the device login the banner gave; returns their sequence numbers. */
async function publishReadings(city: CityProcess, password: string, count: number): Promise<number[]> {
  const readings = Array.from({ length: count }, () => ({ ts: Date.now(), seq: (seq += 1), pm25: 20 + seq }));
  await publishAirReadings(city.banner.mqttUrl, password, STATION, readings);
  return readings.map((reading) => reading.seq);
}

/** The sequence numbers of the test device's readings in the local store's files. */
async function storedSeqs(): Promise<number[]> {
  const folder = join(dataDir, 'store');
  const files = (await readdir(folder).catch(() => [])).filter((name) => name.startsWith('readings-'));
  const readings: Reading[] = [];
  for (const file of files) {
    for (const line of (await readFile(join(folder, file), 'utf8')).split('\n')) if (line) readings.push(ReadingSchema.parse(JSON.parse(line)));
  }
  return [...new Set(readings.filter((r) => r.deviceId === STATION.deviceId && r.derived === undefined).map((r) => r.seq!))].sort((a, b) => a - b);
}

async function untilStored(expected: number[]) {
  await expect.poll(storedSeqs, { timeout: 20_000, interval: 200 }).toEqual(expect.arrayContaining(expected));
}

interface RuleSetView {
  id: string;
  version: number;
  rules: Array<{ id: string; warning?: number }>;
}

const pm25Warning = (ruleSet: RuleSetView) => ruleSet.rules.find((rule) => rule.id === 'env-air-pm25')?.warning;

/** PM2.5 at 130 µg/m³ for seven minutes: above a 120 warning, below the default 150, past the 5-minute hold. */
async function pollute(city: CityProcess, password: string, deviceId: string) {
  const station = { deviceId, siteId: `hn-${deviceId}`, ward: 'Phường Ba Đình' };
  const start = Date.now() - 7 * 60_000;
  await publishAirReadings(city.banner.mqttUrl, password, station, Array.from({ length: 8 }, (_, minute) => ({ ts: start + minute * 60_000, seq: minute + 1, pm25: 130 })));
}

describe('npm start again on the same data directory', () => {
  let adminPassword: string;
  let devicePassword: string;
  let token: string;
  let secrets: string;
  const OPERATOR = { username: 'lan.nguyen', password: 'mật khẩu đủ dài 2026', role: 'operator' };
  const RESET_PASSWORD = 'mật khẩu mới sau khi đặt lại';
  let rulesVersion: number;
  const sent: number[] = [];

  it('first start: shows the generated admin and device passwords, keeps the secrets owner-only', async () => {
    const city = await start();
    expect(city.banner.text).toContain(dataDir);
    adminPassword = city.banner.adminPassword!;
    devicePassword = city.banner.devicePassword!;
    expect(adminPassword).toBeTruthy();
    expect(devicePassword).toBeTruthy();
    secrets = await readFile(join(dataDir, 'secrets.json'), 'utf8');
    expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(secrets).toContain(devicePassword);
    expect(secrets).not.toContain(adminPassword);

    const admin = await login(city, 'admin', adminPassword);
    expect(admin.status).toBe(200);
    // The generated password is not configuration: the admin replaces it on the page's Password form.
    const chosen = 'mật khẩu quản trị tự chọn';
    const ownPassword = await api(city, '/api/me/password', { method: 'PUT', token: String(admin.body.token), body: { currentPassword: adminPassword, newPassword: chosen } });
    expect(ownPassword.status).toBe(200);
    adminPassword = chosen;
    token = String(ownPassword.body.token);
    expect((await api(city, '/api/users', { method: 'POST', token, body: OPERATOR })).status).toBe(201);
    const reset = await api(city, `/api/users/${OPERATOR.username}/password`, { method: 'PUT', token, body: { password: RESET_PASSWORD } });
    expect(reset.status).toBe(200);

    const defaults = (await api(city, '/api/rule-sets/default', { token })).body as unknown as RuleSetView;
    expect(pm25Warning(defaults)).toBe(150);
    const stricter = { ...defaults, version: defaults.version + 1, rules: defaults.rules.map((rule) => (rule.id === 'env-air-pm25' ? { ...rule, warning: 120 } : rule)) };
    const changed = await api(city, '/api/rule-sets/default', { method: 'PUT', token, body: { ruleSet: stricter, comment: 'Mùa đông: cảnh báo PM2.5 sớm hơn / winter: warn earlier' } });
    expect(changed.status).toBe(200);
    rulesVersion = stricter.version;

    sent.push(...(await publishReadings(city, devicePassword, 5)));
    await untilStored(sent);
    expect(await city.stop()).toBe(0);
  }, 120_000);

  for (const how of ['Ctrl+C', 'SIGKILL'] as const) {
    it(`after ${how}: same device login and token key, the old session holds; accounts, a password reset, the threshold change (in force) and readings are back`, async () => {
      const city = await start();
      expect(city.banner.adminPassword).toBeUndefined();
      expect(city.banner.text).toContain('the password shown at the first start');
      expect(city.banner.devicePassword).toBe(devicePassword);
      expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);

      const me = await api(city, '/api/me', { token });
      expect(me.status).toBe(200);
      expect(me.body.user).toEqual({ username: 'admin', role: 'admin' });
      expect((await login(city, 'admin', adminPassword)).status).toBe(200);
      expect((await login(city, OPERATOR.username, OPERATOR.password)).status).toBe(401);
      expect((await login(city, OPERATOR.username, RESET_PASSWORD)).status).toBe(200);

      const rules = (await api(city, '/api/rule-sets/default', { token })).body as unknown as RuleSetView;
      expect(rules.version).toBe(rulesVersion);
      expect(pm25Warning(rules)).toBe(120);
      // The processor runs the changed rule too: 130 µg/m³ warns now, where the default 150 would not.
      const deviceId = `aq-rule-${how === 'Ctrl+C' ? 'stop' : 'kill'}`;
      await pollute(city, devicePassword, deviceId);
      await expect
        .poll(async () => ((await api(city, `/api/alerts?state=open&station=${deviceId}`, { token })).body.alerts as Array<{ severity: string }>).map((a) => a.severity), { timeout: 20_000 })
        .toEqual(['warning']);

      expect(await storedSeqs()).toEqual(expect.arrayContaining(sent));
      sent.push(...(await publishReadings(city, devicePassword, 5)));
      await untilStored(sent);

      if (how === 'Ctrl+C') expect(await city.stop()).toBe(0);
      else await city.kill();
    }, 120_000);
  }

  it('with MQTT_DEVICE_PASSWORD and IOC_TOKEN_SECRET set, those win over the kept ones, which stay for later; the readings of every start are there', async () => {
    const chosen = { MQTT_DEVICE_PASSWORD: 'chosen device password', IOC_TOKEN_SECRET: 'a chosen session key of at least 32 characters' };
    const city = await start(chosen);
    expect(city.banner.text).toContain('device login device / the password in MQTT_DEVICE_PASSWORD');
    expect(await readFile(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
    // A token signed with the kept key is not valid under the chosen one.
    expect((await api(city, '/api/me', { token })).status).toBe(401);
    await expect(connectAsync(city.banner.mqttUrl, { username: 'device', password: devicePassword, reconnectPeriod: 0 })).rejects.toThrow();
    sent.push(...(await publishReadings(city, chosen.MQTT_DEVICE_PASSWORD, 5)));
    await untilStored(sent);
    expect(sent).toHaveLength(20);
    expect(await storedSeqs()).toEqual(expect.arrayContaining(sent));
  }, 120_000);
});
