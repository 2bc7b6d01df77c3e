import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { BUS_TOPICS, deviceTopic, type Alert } from '../../contracts/src/index.js';
import { ServerMessageSchema } from '../../dashboard/src/index.js';
import { startCity, type City } from '../../standalone/src/index.js';
import { servicesEnv } from '../../test-support/services.js';
import { waitForReadingCounts } from '../../test-support/store-query.js';
import { collect, runId } from './support.js';

/**
 * The whole pipeline on the real services, as `npm start` runs it with them: a device publishes
 * to Mosquitto with a real MQTT client; ingest puts the reading on Kafka; the processor alerts and
 * its store writer writes to the time-series store; the dashboard pushes the alert to an
 * authenticated WebSocket client. Topics carry a prefix of this run, device ids its id.
 */
const services = inject('services');
const run = runId();
const ADMIN_PASSWORD = 'pipeline-test-password';
const deviceId = `e2e-aq-${run}`;
let city: City;
let dataDir: string;
let device: MqttClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ioc-e2e-'));
  city = await startCity(
    {
      ...servicesEnv(services),
      KAFKA_TOPIC_PREFIX: `e2e-${run}.`,
      KAFKA_TELEMETRY_PARTITIONS: '3',
      SIMULATE: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      IOC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      IOC_DATA_DIR: dataDir,
    },
    process.env.LOG_LEVEL ?? 'silent',
  );
  device = await connectAsync(services.mqttUrl, { clientId: `e2e-device-${run}`, protocolVersion: 5, reconnectPeriod: 0 });
});

afterAll(async () => {
  await device?.endAsync();
  await city?.close();
  // The city's ingest session is persistent: end it, or Mosquitto keeps queueing every device message for it.
  await (await connectAsync(services.mqttUrl, { clientId: `ioc-ingest-${hostname()}-${process.pid}`, clean: true, protocolVersion: 4, reconnectPeriod: 0 })).endAsync();
  await rm(dataDir, { recursive: true, force: true });
});

async function login(): Promise<string> {
  const response = await fetch(`${city.info.dashboardUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** The alerts an authenticated WebSocket client of the dashboard is told about. */
async function liveAlerts(token: string): Promise<{ alerts: Alert[]; close(): void }> {
  const socket = new WebSocket(`${city.info.dashboardUrl.replace('http', 'ws')}/ws`, ['ioc.v1', `bearer.${token}`]);
  const alerts: Alert[] = [];
  socket.on('message', (data) => {
    const message = ServerMessageSchema.parse(JSON.parse(String(data)));
    if (message.type === 'alert') alerts.push(message.alert);
    if (message.type === 'snapshot') alerts.push(...message.alerts);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { alerts, close: () => socket.close() };
}

describe('the pipeline on Mosquitto, Kafka and the time-series store', () => {
  it('takes a reading from a device to Kafka, the store, and as an alert to ioc.alerts and a WebSocket client', async () => {
    expect(city.info).toMatchObject({ bus: 'kafka', store: 'influxdb', mqtt: { embedded: false } });
    const telemetry = await collect(city.bus, BUS_TOPICS.telemetry);
    const alertsTopic = await collect(city.bus, BUS_TOPICS.alerts);
    const live = await liveAlerts(await login());

    // PM2.5 over the warning (150) for the rule's 5 minutes of device time: the 6th reading opens an alert.
    const start = Date.now() - 10 * 60_000;
    for (let seq = 0; seq < 7; seq++) {
      const payload = { deviceId, kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts: start + seq * 60_000, seq, values: { pm25: 190, pm10: 60 } };
      await device.publishAsync(deviceTopic('environment', deviceId, deviceId, 'telemetry'), JSON.stringify(payload), { qos: 1 });
    }

    // The device's own readings: when the seven minutes cross an hour, the processor adds the hourly mean, also keyed by the device.
    const measured = () => telemetry.filter((record) => record.key === deviceId && record.value.derived === undefined);
    await vi.waitFor(() => expect(measured()).toHaveLength(7), { timeout: 20_000, interval: 50 });
    expect(measured()[0].value).toMatchObject({ deviceId, siteId: deviceId, metrics: { pm25: 190 } });
    const counts = await waitForReadingCounts(services.influx, { [deviceId]: 7 });
    expect(counts).toEqual({ [deviceId]: 7 });

    const opened = (alert: Alert) => alert.deviceId === deviceId && alert.metric === 'pm25' && alert.lastChange === 'opened';
    await vi.waitFor(() => expect(alertsTopic.map((record) => record.value).filter(opened)).toHaveLength(1), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(live.alerts.filter(opened)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(live.alerts.find(opened)).toMatchObject({ state: 'open', severity: 'warning', value: 190, openedAt: start + 5 * 60_000 });
    live.close();
  });

  it('puts a message it cannot read on ioc.deadletter with the reason', async () => {
    const deadLetters = await collect(city.bus, BUS_TOPICS.deadLetter);
    const topic = deviceTopic('environment', deviceId, deviceId, 'telemetry');
    await device.publishAsync(topic, JSON.stringify({ deviceId, kind: 'air-station', ward: 'Phường Hoàn Kiếm', ts: 1_700_000_000, seq: 8, values: { pm25: 10 } }), { qos: 1 });

    await vi.waitFor(() => expect(deadLetters.filter((record) => record.value.topic === topic)).toHaveLength(1), { timeout: 20_000, interval: 50 });
    const [letter] = deadLetters.filter((record) => record.value.topic === topic);
    expect(letter.value.code).toBe('IOC_INVALID_PAYLOAD');
    expect(letter.value.reason).toMatch(/timestamp before 2000/);
    expect(letter.headers['ioc-error-code']).toBe('IOC_INVALID_PAYLOAD');
  });
});
