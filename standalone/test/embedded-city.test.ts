import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AuditEntrySchema, type Alert } from '../../contracts/src/index.js';
import { ServerMessageSchema } from '../../dashboard/src/index.js';
import { startBanner } from '../src/banner.js';
import { startCity, type City } from '../src/city.js';

/**
 * The embedded default end to end, as `npm start` runs it: embedded broker, simulators, ingest,
 * in-process bus, processor and dashboard in one process. The simulated pollution episode must
 * reach an authenticated WebSocket client as an alert, and an operator's acknowledgement must
 * land in the audit log.
 */
const ADMIN_PASSWORD = 'embedded-city-test-password';
let city: City;
let dataDir: string;
/** Stands for the system Mosquitto that often holds 1883: the embedded broker must move aside. */
let squatter: Server;
let takenPort: number;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ioc-city-'));
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  takenPort = (squatter.address() as { port: number }).port;
  city = await startCity(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      MQTT_PORT: String(takenPort),
      MQTT_HOST: '127.0.0.1',
      IOC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      IOC_DATA_DIR: dataDir,
    },
    'silent',
  );
});

afterAll(async () => {
  await city?.close();
  squatter?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(`${city.info.dashboardUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Collects alerts pushed over /ws until one matches. */
function waitForAlert(token: string, matches: (alert: Alert) => boolean, timeoutMs: number): Promise<Alert> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${city.info.dashboardUrl.replace('http', 'ws')}/ws`, ['ioc.v1', `bearer.${token}`]);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no matching alert within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (data) => {
      const message = ServerMessageSchema.parse(JSON.parse(String(data)));
      const alerts = message.type === 'snapshot' ? message.alerts : message.type === 'alert' ? [message.alert] : [];
      const found = alerts.find(matches);
      if (found) {
        clearTimeout(timer);
        socket.close();
        resolve(found);
      }
    });
    socket.on('error', reject);
  });
}

describe('npm start on the embedded default', () => {
  it('takes a free MQTT port when the requested one is taken, and says which', () => {
    expect(city.info.mqtt.embedded).toBe(true);
    expect(city.info.mqtt.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(city.info.mqtt.url).not.toContain(`:${takenPort}`);
    const banner = startBanner(city.info);
    expect(banner).toContain(`publish to ${city.info.mqtt.url}`);
    expect(banner).toContain(`port ${takenPort} was taken`);
    expect(banner).toContain(`admin / the password in IOC_ADMIN_PASSWORD`);
    expect(banner).toMatch(new RegExp(`Data +${dataDir} +\\(database, bus log, stored readings, secrets;`));
    expect(city.info.bus).toBe('in-process');
    expect(city.info.simulating).toBe(true);
  });

  it('refuses the API without a login', async () => {
    expect((await api('/api/alerts?state=open')).status).toBe(401);
  });

  it('pushes the simulated pollution episode as a live alert, and records an acknowledgement in the audit log', async () => {
    const login = await api('/api/login', { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const token = String(login.body.token);

    const alert = await waitForAlert(token, (a) => a.metric === 'pm25' && a.state === 'open', 60_000);
    expect(alert.domain).toBe('environment');
    expect(alert.message.vi).toContain('PM2.5');
    expect(alert.message.en).toContain('PM2.5');

    const open = await api('/api/alerts?state=open', { token });
    expect((open.body.alerts as Alert[]).map((a) => a.id)).toContain(alert.id);

    const comment = 'Đã báo đội kiểm tra trạm / field team informed';
    const acknowledged = await api(`/api/alerts/${alert.id}/acknowledge`, { method: 'POST', token, body: { comment } });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ id: alert.id, state: 'acknowledged', acknowledgedBy: 'admin', acknowledgeComment: comment });

    const response = await fetch(`${city.info.dashboardUrl}/api/audit?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    const audit = ((await response.json()) as unknown[]).map((entry) => AuditEntrySchema.parse(entry));
    const entry = audit.find((e) => e.action === 'alert.acknowledge');
    expect(entry).toMatchObject({ actor: 'admin', target: alert.id, comment });
    expect(entry!.at).toBeGreaterThan(alert.openedAt - 60 * 60_000);
  }, 90_000);

  it('shows the rule set in force, so the environment department can review and change it', async () => {
    const login = await api('/api/login', { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } });
    const response = await fetch(`${city.info.dashboardUrl}/api/rule-sets`, { headers: { authorization: `Bearer ${String(login.body.token)}` } });
    const ruleSets = (await response.json()) as Array<{ id: string; version: number; rules: Array<{ id: string; source?: string }> }>;
    expect(response.status).toBe(200);
    expect(ruleSets).toHaveLength(1);
    const pm25 = ruleSets[0].rules.find((rule) => rule.id.includes('pm25'));
    expect(pm25?.source).toMatch(/QCVN 05:2023/);
  });

  it('exports Prometheus metrics of every part without a login', async () => {
    const response = await fetch(`${city.info.dashboardUrl}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toMatch(/^ioc_ingest_messages_received_total\{[^}]*\} [1-9]/m);
    expect(text).toMatch(/^ioc_processor_readings_processed_total [1-9]/m);
    expect(text).toContain('ioc_dashboard_ws_clients');
  });
});
