import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BUS_TOPICS } from '../../contracts/src/index.js';
import { ServerMessageSchema, WS_CLOSE, type ServerMessage } from '../src/ws-messages.js';
import { makeAlert, makeReading } from './support/fixtures.js';
import { ADMIN_PASSWORD, OPERATOR, startTestDashboard, waitFor, type TestDashboard } from './support/test-dashboard.js';

let test: TestDashboard;
const sockets: WebSocket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.terminate());
  await test?.close();
});

function wsUrl() {
  return `${test.url.replace('http', 'ws')}/ws`;
}

/** Resolves with the HTTP status of a refused handshake. */
function refusedStatus(protocols: string[], url = wsUrl()): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    sockets.push(socket);
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => reject(new Error('the handshake was accepted')));
    socket.on('error', () => undefined);
  });
}

/** Opens an authenticated live connection and collects every message, checked against the schema. */
async function connect(token: string) {
  const socket = new WebSocket(wsUrl(), ['ioc.v1', `bearer.${token}`]);
  sockets.push(socket);
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(ServerMessageSchema.parse(JSON.parse(String(data)))));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, messages };
}

describe('live WebSocket', () => {
  it('refuses a handshake without a valid token, including one put in the URL', async () => {
    test = await startTestDashboard();
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    expect(await refusedStatus(['ioc.v1'])).toBe(401);
    expect(await refusedStatus(['ioc.v1', 'bearer.not-a-token'])).toBe(401);
    expect(await refusedStatus(['ioc.v1'], `${wsUrl()}?token=${token}`)).toBe(401);
    expect(await refusedStatus(['ioc.v1', `bearer.${token}`], `${test.url.replace('http', 'ws')}/elsewhere`)).toBe(404);
  });

  it('sends a snapshot first, then pushes alerts as they open and change, and station values', async () => {
    test = await startTestDashboard({ live: { stationFlushMs: 50 } });
    const existing = makeAlert({ deviceId: 'existing-1', openedAt: Date.now() - 120_000 });
    await test.bus.publish(BUS_TOPICS.alerts, [{ key: existing.key, value: existing }]);
    await test.bus.publish(BUS_TOPICS.telemetry, [{ key: 'hk-air-01', value: makeReading({ metrics: { pm25: 40, pm10: 60 } }) }]);
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    await waitFor(() => test.get(`/api/alerts/${encodeURIComponent(existing.id)}`, token), 'the alert in the dashboard');
    await waitFor(() => test.get<unknown[]>('/api/stations', token).then((stations) => (stations?.length ? stations : undefined)), 'the station');

    const { socket, messages } = await connect(token);
    expect(socket.protocol).toBe('ioc.v1');
    const snapshot = await waitFor(() => messages[0], 'the snapshot');
    expect(snapshot.type).toBe('snapshot');
    if (snapshot.type !== 'snapshot') return;
    expect(snapshot.alerts).toEqual([existing]);
    expect(snapshot.stations).toMatchObject([{ siteId: 'HN-AIR-HK01', metrics: { pm25: 40 } }]);

    const opened = makeAlert({ deviceId: 'live-1', severity: 'critical' });
    await test.bus.publish(BUS_TOPICS.alerts, [{ key: opened.key, value: opened }]);
    const pushed = await waitFor(() => messages.find((m) => m.type === 'alert' && m.alert.id === opened.id), 'the new alert pushed');
    expect(pushed).toEqual({ type: 'alert', alert: opened });

    const response = await fetch(`${test.url}/api/alerts/${encodeURIComponent(opened.id)}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'Đang xử lý' }),
    });
    expect(response.status).toBe(200);
    await waitFor(() => messages.find((m) => m.type === 'alert' && m.alert.id === opened.id && m.alert.state === 'acknowledged'), 'the acknowledgement pushed');

    await test.bus.publish(BUS_TOPICS.telemetry, [
      { key: 'hk-air-01', value: makeReading({ metrics: { pm25: 55 } }) },
      { key: 'hk-air-01', value: makeReading({ metrics: { pm25: 61 } }) },
    ]);
    const stations = await waitFor(() => messages.find((m) => m.type === 'stations'), 'a station batch');
    // Two readings of one station inside one flush interval arrive as one update: the latest PM2.5, PM10 kept from before.
    expect(stations).toMatchObject({ type: 'stations', stations: [{ siteId: 'HN-AIR-HK01', metrics: { pm25: 61, pm10: 60 } }] });
    expect(messages.filter((m) => m.type === 'alert' && m.alert.id === opened.id)).toHaveLength(2);
  });

  it('closes the connection with 4001 when the session expires', async () => {
    test = await startTestDashboard({ tokenTtlMs: 1500 });
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const { socket } = await connect(token);
    const code = await new Promise<number>((resolve) => socket.once('close', resolve));
    expect(code).toBe(WS_CLOSE.sessionExpired);
  });

  it('closes the connection with 4003 when an admin disables the account, and refuses it afterwards', async () => {
    test = await startTestDashboard();
    const admin = await test.login('admin', ADMIN_PASSWORD);
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const { socket } = await connect(token);
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    const response = await fetch(`${test.url}/api/users/${OPERATOR.username}/disable`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    expect(await closed).toBe(WS_CLOSE.sessionEnded);
    expect(await refusedStatus(['ioc.v1', `bearer.${token}`])).toBe(401);
  });
});
