import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flux, InfluxDB } from '@influxdata/influxdb-client';
import { connect, type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { deviceTopic, type Alert, type RuleSet } from '../contracts/src/index.js';
import type { InfluxEndpoint } from './services.js';

/**
 * What the SIGKILL fault tests drive against a running pipeline: air stations publishing at QoS 1
 * (only readings whose PUBACK arrived count as acknowledged), an operator acknowledging open
 * alerts, an administrator changing a rule set, and a dashboard WebSocket client. Each records
 * only what was answered with success, which is what must be found after a restart.
 */

/** The drill's own rule set: PM2.5 above a warning (no hold time), so every high stretch opens an alert at once. */
export const DRILL_RULE_SET = 'fault-drill';
export const DRILL_RULE = 'pm25-drill';

export function drillRuleSet(version: number, warning: number): RuleSet {
  return {
    id: DRILL_RULE_SET,
    version,
    description: 'SIGKILL fault drill',
    rules: [
      {
        id: DRILL_RULE,
        version: 1,
        type: 'threshold',
        domain: 'environment',
        scope: { level: 'domain' },
        enabled: true,
        deviceKinds: ['air-station'],
        name: { vi: 'Diễn tập PM2.5', en: 'PM2.5 drill' },
        metric: 'pm25',
        direction: 'above',
        warning,
        hysteresis: 10,
        forSeconds: 0,
      },
    ],
  };
}

/** Seeded, so a run's kill moments can be repeated: mulberry32. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Which 2.5 s stretch of a drill station's readings a time falls in; odd stretches are high. */
function drillStretch(stationIndex: number, ts: number): number {
  return Math.floor((ts + stationIndex * 700) / 2500);
}

/** PM2.5 of a drill station: 2.5 s high (200), 2.5 s low (20), shifted per station, in wall-clock time. */
export function drillPm25(stationIndex: number, now: number): number {
  return drillStretch(stationIndex, now) % 2 === 1 ? 200 : 20;
}

/** The high stretch (the episode) an alert of a drill station was opened in. */
export function drillEpisode(stations: readonly string[], alert: Alert): string {
  return `${alert.key}@${drillStretch(stations.indexOf(alert.deviceId), alert.openedAt)}`;
}

export interface DeviceLoadOptions {
  mqttUrl: string;
  username?: string;
  password?: string;
  stations: readonly string[];
  /** Readings a second over all stations. */
  ratePerSecond: number;
  /** The next sequence number of each station; advanced as readings are sent (kept across rounds). */
  nextSeq: Map<string, number>;
  /** At most this many readings of one station waiting for their PUBACK. */
  maxInFlight?: number;
}

export interface DeviceLoad {
  /** `deviceId#seq` of every reading whose PUBACK arrived. */
  acknowledged: Set<string>;
  sent(): number;
  /** Stops publishing and drops the connections (what is still in flight is not acknowledged). */
  stop(): Promise<void>;
}

export const readingKey = (deviceId: string, seq: number) => `${deviceId}#${seq}`;

/** Air stations publishing at `ratePerSecond` in total at QoS 1; only PUBACKed readings count. */
export async function startDeviceLoad(options: DeviceLoadOptions): Promise<DeviceLoad> {
  const acknowledged = new Set<string>();
  const maxInFlight = options.maxInFlight ?? 400;
  const clients: MqttClient[] = await Promise.all(
    options.stations.map(
      (deviceId) =>
        new Promise<MqttClient>((resolve, reject) => {
          const client = connect(options.mqttUrl, {
            username: options.username,
            password: options.password,
            clientId: `drill-${deviceId}-${process.pid}-${Date.now()}`,
            reconnectPeriod: 0,
            connectTimeout: 10_000,
          });
          client.once('connect', () => resolve(client));
          client.once('error', reject);
          client.on('error', () => undefined);
        }),
    ),
  );
  const inFlight = new Array<number>(clients.length).fill(0);
  const sentPerStation = new Array<number>(clients.length).fill(0);
  const lastTs = new Array<number>(clients.length).fill(0);
  let sent = 0;
  let stopped = false;
  const started = Date.now();
  const perStation = options.ratePerSecond / options.stations.length;
  const timer = setInterval(() => {
    if (stopped) return;
    const now = Date.now();
    const due = Math.floor(((now - started) / 1000) * perStation);
    options.stations.forEach((deviceId, index) => {
      const client = clients[index];
      if (!client.connected) return;
      while (sentPerStation[index] < due && inFlight[index] < maxInFlight) {
        sentPerStation[index] += 1;
        const seq = options.nextSeq.get(deviceId) ?? 1;
        options.nextSeq.set(deviceId, seq + 1);
        // One reading per device and millisecond: a time-series store keeps one point per series and time.
        const ts = Math.max(now, lastTs[index] + 1);
        lastTs[index] = ts;
        const payload = { deviceId, kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts, seq, values: { pm25: drillPm25(index, ts) } };
        inFlight[index] += 1;
        sent += 1;
        client.publish(deviceTopic('environment', `site-${deviceId}`, deviceId, 'telemetry'), JSON.stringify(payload), { qos: 1 }, (error) => {
          inFlight[index] -= 1;
          if (!error) acknowledged.add(readingKey(deviceId, seq));
        });
      }
    });
  }, 10);
  return {
    acknowledged,
    sent: () => sent,
    async stop() {
      clearInterval(timer);
      stopped = true;
      await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    },
  };
}

/** A dashboard's HTTP API with one session. */
export class DashboardClient {
  constructor(
    public baseUrl: string,
    public token = '',
  ) {}

  async call(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  }

  async login(username: string, password: string): Promise<void> {
    const answer = await this.call('/api/login', { method: 'POST', body: { username, password } });
    if (answer.status !== 200) throw new Error(`login of ${username} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    this.token = String(answer.body.token);
  }

  /** Every alert of the drill's rule set in the history, all states, all pages. */
  async drillAlerts(): Promise<Array<Alert & { lifecycle: Array<{ change: string; by?: string }> }>> {
    const alerts: Array<Alert & { lifecycle: Array<{ change: string; by?: string }> }> = [];
    for (let offset = 0; offset < 100_000; offset += 500) {
      const page = await this.call(`/api/alerts?ruleSet=${DRILL_RULE_SET}&state=all&limit=500&offset=${offset}`);
      if (page.status !== 200) throw new Error(`alert history answered ${page.status}: ${JSON.stringify(page.body)}`);
      const batch = page.body.alerts as typeof alerts;
      alerts.push(...batch);
      if (batch.length < 500) break;
    }
    return alerts;
  }
}

/** The drill's people, logged in: an operator and an environment administrator created by the admin, the drill's rule set published at version 1. */
export async function prepareDrillPeople(baseUrl: string, adminPassword: string): Promise<{ operator: DashboardClient; rules: DashboardClient }> {
  const admin = new DashboardClient(baseUrl);
  await admin.login('admin', adminPassword);
  const accounts = [
    { username: 'op.drill', password: 'mật khẩu trực ban 2026', role: 'operator' },
    { username: 'env.drill', password: 'mật khẩu môi trường 2026', role: 'environment-admin' },
  ];
  for (const account of accounts) {
    const created = await admin.call('/api/users', { method: 'POST', body: account });
    if (created.status !== 201) throw new Error(`creating ${account.username} answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const operator = new DashboardClient(baseUrl);
  await operator.login(accounts[0].username, accounts[0].password);
  const rules = new DashboardClient(baseUrl);
  await rules.login(accounts[1].username, accounts[1].password);
  const published = await rules.call(`/api/rule-sets/${DRILL_RULE_SET}`, { method: 'PUT', body: { ruleSet: drillRuleSet(1, 150), comment: 'drill starts' } });
  if (published.status !== 200) throw new Error(`publishing the drill's rule set answered ${published.status}: ${JSON.stringify(published.body)}`);
  return { operator, rules };
}

export interface OperatorLoad {
  /** Ids of alerts whose acknowledgement was answered 200. */
  acknowledged: Set<string>;
  attempts(): number;
  stop(): Promise<void>;
}

/** An operator acknowledging the drill's open alerts as they appear. */
export function startOperator(operator: DashboardClient): OperatorLoad {
  const acknowledged = new Set<string>();
  let attempts = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const open = await operator.call(`/api/alerts?ruleSet=${DRILL_RULE_SET}&state=open&limit=20`).catch(() => undefined);
      for (const alert of (open?.status === 200 ? (open.body.alerts as Alert[]) : [])) {
        if (stopped) break;
        attempts += 1;
        const answer = await operator
          .call(`/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: 'POST', body: { comment: 'Đã cử đội kiểm tra / crew sent (drill)' } })
          .catch(() => undefined);
        if (answer?.status === 200 && !stopped) acknowledged.add(alert.id);
      }
      await sleep(open?.status === 200 ? 100 : 300);
    }
  })();
  return {
    acknowledged,
    attempts: () => attempts,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export interface AdministratorLoad {
  /** The highest version whose change was answered 200, and the highest tried. */
  answered(): number;
  tried(): number;
  changesAnswered(): number;
  stop(): Promise<void>;
}

/** An administrator putting a new version of the drill's rule set every ~300 ms (warning 150, then 140, …). */
export function startAdministrator(admin: DashboardClient, currentVersion: number): AdministratorLoad {
  let answered = currentVersion;
  let tried = currentVersion;
  let changes = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const version = answered + 1;
      tried = Math.max(tried, version);
      const answer = await admin
        .call(`/api/rule-sets/${DRILL_RULE_SET}`, {
          method: 'PUT',
          body: { ruleSet: drillRuleSet(version, version % 2 === 0 ? 150 : 140), comment: `drill change to version ${version}` },
        })
        .catch(() => undefined);
      if (answer?.status === 200 && !stopped) {
        answered = version;
        changes += 1;
      }
      await sleep(300);
    }
  })();
  return {
    answered: () => answered,
    tried: () => tried,
    changesAnswered: () => changes,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export interface LiveClient {
  /** Resolves with the first snapshot's alerts. */
  snapshot: Promise<Alert[]>;
  closed: Promise<number>;
  close(): void;
}

/** The dashboard page's WebSocket with a session token: the first message is the live alert list. */
export function openLiveClient(baseUrl: string, token: string): LiveClient {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, ['ioc.v1', `bearer.${token}`]);
  socket.on('error', () => undefined);
  const snapshot = new Promise<Alert[]>((resolve, reject) => {
    socket.once('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; alerts: Alert[] };
      if (message.type === 'snapshot') resolve(message.alerts);
      else reject(new Error(`first message was ${message.type}, not the snapshot`));
    });
    socket.once('close', (code) => reject(new Error(`closed with ${code} before the snapshot`)));
  });
  snapshot.catch(() => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { snapshot, closed, close: () => socket.terminate() };
}

export interface StoredReadings {
  keys: Set<string>;
  lines: number;
  unreadable: number;
}

/** `deviceId#seq` of every measured reading in the local store's NDJSON files (torn lines counted apart). */
export async function storedReadings(storeDirectory: string, devices: ReadonlySet<string>): Promise<StoredReadings> {
  const files = (await readdir(storeDirectory).catch(() => [] as string[])).filter((name) => name.startsWith('readings-'));
  const stored: StoredReadings = { keys: new Set(), lines: 0, unreadable: 0 };
  for (const file of files) {
    const text = await readFile(join(storeDirectory, file), 'utf8');
    const end = text.lastIndexOf('\n');
    for (const line of text.slice(0, end + 1).split('\n')) {
      if (!line) continue;
      let reading: { deviceId: string; seq?: number; derived?: string };
      try {
        reading = JSON.parse(line) as typeof reading;
      } catch {
        stored.unreadable += 1;
        continue;
      }
      if (!devices.has(reading.deviceId) || reading.derived !== undefined || reading.seq === undefined) continue;
      stored.lines += 1;
      stored.keys.add(readingKey(reading.deviceId, reading.seq));
    }
  }
  return stored;
}

/** Alert snapshots of the drill's rule set in the local store's NDJSON files. */
export async function storedDrillAlerts(storeDirectory: string): Promise<Alert[]> {
  const files = (await readdir(storeDirectory).catch(() => [] as string[])).filter((name) => name.startsWith('alerts-'));
  const alerts: Alert[] = [];
  for (const file of files) {
    for (const line of (await readFile(join(storeDirectory, file), 'utf8')).split('\n')) {
      if (!line) continue;
      try {
        const alert = JSON.parse(line) as Alert;
        if (alert.ruleSetId === DRILL_RULE_SET) alerts.push(alert);
      } catch {
        // a torn last line of a killed write; the readings check counts those
      }
    }
  }
  return alerts;
}

/**
 * What must hold of the drill's alerts in the history: each alert opened once, one alert per
 * episode (a high stretch of a station: `episodeOf`), and every acknowledgement that was answered
 * is there and not undone. Returns the problems found, empty when none. Episodes, not times, tell
 * duplicates: an alert acknowledged after its readings went low is resolved at the
 * acknowledgement's wall-clock time, which may be after the next episode opened.
 */
export function alertProblems(
  alerts: ReadonlyArray<Alert & { lifecycle: Array<{ change: string; by?: string }> }>,
  acknowledged: ReadonlySet<string>,
  episodeOf: (alert: Alert) => string,
): string[] {
  const problems: string[] = [];
  const byEpisode = new Map<string, string>();
  for (const alert of alerts) {
    const opened = alert.lifecycle.filter((entry) => entry.change === 'opened').length;
    if (opened !== 1) problems.push(`${alert.id} has ${opened} opened entries`);
    const episode = episodeOf(alert);
    const first = byEpisode.get(episode);
    if (first !== undefined) problems.push(`${episode}: ${alert.id} opened for the episode of ${first}`);
    else byEpisode.set(episode, alert.id);
  }
  const byId = new Map(alerts.map((alert) => [alert.id, alert]));
  for (const id of acknowledged) {
    const alert = byId.get(id);
    if (!alert) problems.push(`acknowledged ${id} is not in the history`);
    else if (alert.state === 'open') problems.push(`acknowledged ${id} is open again`);
    else if (!alert.lifecycle.some((entry) => entry.change === 'acknowledged')) problems.push(`acknowledged ${id} has no acknowledgement in its lifecycle`);
  }
  return problems;
}

/** `deviceId#seq` of every measured reading of `devices` in the time-series store (the `seq` field of `reading` points). */
export async function readingKeysInStore(influx: InfluxEndpoint, devices: readonly string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  if (influx.flavour === 'influxdb2') {
    const query = flux`from(bucket: ${influx.bucket})
      |> range(start: 1970-01-01T00:00:00Z)
      |> filter(fn: (r) => r._measurement == "reading" and r._field == "seq" and not exists r.derived)
      |> filter(fn: (r) => contains(value: r.device, set: ${[...devices]}))`;
    const rows = await new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org).collectRows<{ device: string; _value: number }>(query);
    for (const row of rows) keys.add(readingKey(row.device, Number(row._value)));
    return keys;
  }
  await fetch(new URL('/internal/force_flush', influx.url));
  const body = new URLSearchParams();
  for (const device of devices) body.append('match[]', `reading_seq{device="${device}",derived=""}`);
  const response = await fetch(new URL('/api/v1/export', influx.url), { method: 'POST', body });
  if (!response.ok) throw new Error(`VictoriaMetrics export answered ${response.status}: ${await response.text()}`);
  for (const line of (await response.text()).split('\n')) {
    if (!line) continue;
    const series = JSON.parse(line) as { metric: { device: string }; values: number[] };
    for (const seq of series.values) keys.add(readingKey(series.metric.device, seq));
  }
  return keys;
}
