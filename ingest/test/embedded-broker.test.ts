import { createServer, type AddressInfo, type Server } from 'node:net';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, test } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../src/embedded-broker.js';
import { DEVICE_ACCOUNT, INGEST_ACCOUNT, capturingLogger, silentLogger } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Holds a port the way another broker would; it accepts TCP but never speaks MQTT. */
async function occupy(host: string): Promise<number> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(port: number, host: string, logger = silentLogger): Promise<EmbeddedBroker> {
  const broker = await startEmbeddedBroker({ port, host, logger, accounts: [DEVICE_ACCOUNT, INGEST_ACCOUNT] });
  cleanups.push(() => broker.close());
  return broker;
}

/** Logs in as a device: only an MQTT broker that knows our accounts answers with a CONNACK. */
async function deviceLogin(url: string, password = DEVICE_ACCOUNT.password) {
  const client = await connectAsync(url, { username: DEVICE_ACCOUNT.username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 2000 });
  cleanups.push(() => client.endAsync());
  return client;
}

describe('embedded MQTT broker', () => {
  test('listens on the requested port and reports where local clients reach it', async () => {
    const port = await freePort();
    const broker = await start(port, '127.0.0.1');
    expect(broker.port).toBe(port);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${port}`);
    expect((await deviceLogin(broker.url)).connected).toBe(true);
  });

  // The case on this machine: a system Mosquitto holds 127.0.0.1:1883 and the embedded broker asks
  // for 1883 on all interfaces. Local devices must reach the embedded broker, not Mosquitto.
  test('when another broker holds the port on 127.0.0.1, it takes a free port, says so, and local devices reach it', async () => {
    const taken = await occupy('127.0.0.1');
    const { logger, lines } = capturingLogger();
    const broker = await start(taken, '0.0.0.0', logger);

    expect(broker.port).not.toBe(taken);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect((await deviceLogin(broker.url)).connected).toBe(true);
    const warning = lines.find((line) => line.requestedPort === taken);
    expect(warning).toMatchObject({ port: broker.port, msg: expect.stringContaining(`listens on ${broker.port} instead`) });
  });

  test.runIf(process.platform === 'linux')('when binding fails with EADDRINUSE, it takes a free port', async () => {
    // Held on another loopback address: nothing answers on 127.0.0.1, yet Linux refuses 0.0.0.0 on that port.
    const taken = await occupy('127.0.0.2');
    const broker = await start(taken, '0.0.0.0');
    expect(broker.port).not.toBe(taken);
    expect((await deviceLogin(broker.url)).connected).toBe(true);
  });

  test('refuses anonymous clients and wrong passwords', async () => {
    const broker = await start(0, '127.0.0.1');
    await expect(connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(deviceLogin(broker.url, 'guess')).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  test('a device account may publish but not subscribe; the ingest account may subscribe', async () => {
    const broker = await start(0, '127.0.0.1');
    const device = await deviceLogin(broker.url);
    await expect(device.subscribeAsync('ioc/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);

    const ingest = await connectAsync(broker.url, { username: INGEST_ACCOUNT.username, password: INGEST_ACCOUNT.password, protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => ingest.endAsync());
    await ingest.subscribeAsync('ioc/#', { qos: 1 });
    const received = new Promise<string>((resolve) => ingest.once('message', (topic) => resolve(topic)));
    await device.publishAsync('ioc/environment/site-1/aq-1/telemetry', '{}', { qos: 1 });
    expect(await received).toBe('ioc/environment/site-1/aq-1/telemetry');
  });

  test('refuses to start without any account: there is no anonymous access', async () => {
    await expect(startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger: silentLogger, accounts: [] })).rejects.toMatchObject({ code: 'IOC_CONFIG_INVALID' });
  });

  test('close() frees the port', async () => {
    const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger: silentLogger, accounts: [DEVICE_ACCOUNT] });
    await deviceLogin(broker.url);
    await broker.close();
    const again = await start(broker.port, '127.0.0.1');
    expect(again.port).toBe(broker.port);
  });
});
