import net from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IocError } from '../../platform/src/index.js';
import { planSimulation } from '../src/plan.js';
import { startSimulation } from '../src/simulation.js';
import { NO_DEVICES, atLocal, messages, validate } from './helpers.js';

let broker: Aedes;
let server: net.Server;
let url: string;
let subscriber: MqttClient;
const received: { topic: string; payload: string }[] = [];

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  subscriber = await connectAsync(url, { clientId: 'simulator-test-subscriber' });
  subscriber.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
  await subscriber.subscribeAsync(['ioc/+/+/+/telemetry', 'ioc/+/+/+/event'], { qos: 1 });
});

afterAll(async () => {
  await subscriber?.endAsync();
  await new Promise<void>((resolve) => broker?.close(() => resolve()));
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('publishing to an MQTT broker', () => {
  it('publishes the planned messages, in order, on the contract topics, and reports them', async () => {
    const options = {
      url,
      fleet: { ...NO_DEVICES, air: 3, counters: 3, cameras: 3, reservoirs: 1, lamps: 5, cabinets: 1 },
      rate: 400,
      messages: 60,
      start: atLocal('2026-11-24', 19),
      seed: 5,
    };
    received.length = 0;
    const simulation = await startSimulation(options);
    const summary = await simulation.finished;

    expect(summary).toMatchObject({ stoppedBecause: 'messages', published: 60, acknowledged: 60, failed: 0 });
    const expected = messages(planSimulation(options), 200).slice(0, 60);
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(60);
    expect(received).toEqual(expected.map((m) => ({ topic: m.topic, payload: m.payload })));
    expect(new Set(received.map((m) => m.topic.split('/')[1]))).toEqual(new Set(['environment', 'traffic', 'reservoir', 'lighting']));
    expect(received.some((m) => m.topic.endsWith('/event'))).toBe(true);
    for (const m of received) expect(validate(m.topic, m.payload)).toEqual({ ok: true });
  });

  it('stops on request and disconnects', async () => {
    const simulation = await startSimulation({ url, fleet: { ...NO_DEVICES, lamps: 10 }, rate: 200 });
    await expect.poll(() => simulation.stats().acknowledged, { timeout: 5000 }).toBeGreaterThan(5);
    const summary = await simulation.stop();
    expect(summary.stoppedBecause).toBe('stopped');
    expect(summary.acknowledged).toBe(summary.published);
    expect(simulation.stats().connected).toBe(false);
  });

  it('says which broker it could not reach', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = startSimulation({ url: `mqtt://127.0.0.1:${port}`, fleet: { ...NO_DEVICES, air: 1 } });
    await expect(attempt).rejects.toBeInstanceOf(IocError);
    await expect(attempt).rejects.toMatchObject({ code: 'IOC_MQTT_UNREACHABLE', message: expect.stringContaining(`mqtt://127.0.0.1:${port}`) });
  });
});
