import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IocError } from '../src/errors.js';
import { connectDevice } from '../src/mqtt-device.js';

/** A broker that admits one device account, refusing other logins with 3.1.1's "bad username or password". */
let broker: Aedes;
let server: Server;
let url: string;

beforeAll(async () => {
  broker = await Aedes.createBroker({
    authenticate(_client, username, password, done) {
      if (username === 'device' && password?.toString() === 'device-secret') return done(null, true);
      done(Object.assign(new Error('bad username or password'), { returnCode: 4 }) as AuthenticateError, false);
    },
  });
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise((resolve) => server.close(resolve));
});

async function refusal(account: Parameters<typeof connectDevice>[0]): Promise<IocError> {
  const error = await connectDevice(account, 'test').then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(IocError);
  return error as IocError;
}

describe('connecting as a device', () => {
  it('connects with a device account', async () => {
    const client = await connectDevice({ url, username: 'device', password: 'device-secret' }, 'test');
    expect(client.connected).toBe(true);
    expect(client.options.clientId).toMatch(/^test-\d+-/);
    await client.endAsync();
  });

  it('says the login was refused, and how to give one, when the account is wrong', async () => {
    const error = await refusal({ url, username: 'device', password: 'wrong' });
    expect(error.code).toBe('IOC_MQTT_LOGIN_REFUSED');
    expect(error.message).toContain('--username and --password');
  });

  it('says the broker cannot be reached when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await refusal({ url: `mqtt://127.0.0.1:${port}` });
    expect(error.code).toBe('IOC_MQTT_UNREACHABLE');
  });
});
