import { createHash, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { platformError } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';

/** Devices publish; ingest also subscribes. A device account cannot read other devices' data. */
export type BrokerRole = 'device' | 'ingest';

export interface BrokerAccount {
  username: string;
  password: string;
  role: BrokerRole;
}

export interface EmbeddedBrokerOptions {
  /** The port devices are told to use; 0 picks a free one. */
  port: number;
  /**
   * Default 0.0.0.0: field devices and gateways connect over the network, not only from this
   * machine. That is safe because every connection must log in with one of `accounts`.
   */
  host?: string;
  logger: Logger;
  /** Who may connect. There is no anonymous access, so at least one account is required. */
  accounts: readonly BrokerAccount[];
}

export interface EmbeddedBroker {
  /** The port actually listened on: another one when the requested port was taken. */
  port: number;
  /** Where clients on this machine reach the broker, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  close(): Promise<void>;
}

/** aedes' CONNACK return code for a refused login (MQTT 3.1.1 §3.2.2.3). */
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * The embedded default's MQTT broker (aedes, MQTT 3.1.1, in memory). When the requested port is
 * taken — typically by a system Mosquitto — it listens on a free port instead and says so, rather
 * than failing or, worse, letting local clients reach the other broker.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { logger } = options;
  const host = options.host ?? '0.0.0.0';
  if (options.accounts.length === 0) {
    throw platformError('IOC_CONFIG_INVALID', ['the embedded MQTT broker needs at least one account (MQTT_DEVICE_USERNAME and MQTT_DEVICE_PASSWORD)']);
  }
  const accounts = new Map(options.accounts.map((a) => [a.username, { digest: digest(a.password), role: a.role }]));
  const roles = new WeakMap<Client, BrokerRole>();

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const account = username === undefined ? undefined : accounts.get(username);
      // Comparing digests keeps the comparison constant-time whatever the password length.
      if (account && password && timingSafeEqual(digest(password), account.digest)) {
        roles.set(client, account.role);
        done(null, true);
        return;
      }
      logger.warn({ clientId: client.id, username }, 'MQTT login refused: unknown username or wrong password');
      const error = Object.assign(new Error('bad username or password'), { returnCode: BAD_USERNAME_OR_PASSWORD });
      done(error as AuthenticateError, false);
    },
    authorizeSubscribe(client, subscription, done) {
      if (roles.get(client) === 'ingest') {
        done(null, subscription);
        return;
      }
      logger.warn({ clientId: client.id, topic: subscription.topic }, 'MQTT subscription refused: device accounts may only publish');
      done(null, null);
    },
  });
  broker.on('clientError', (client, err) => logger.debug({ clientId: client.id, err }, 'MQTT client error'));
  broker.on('connectionError', (client, err) => logger.debug({ clientId: client.id, err }, 'MQTT connection error'));

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  const port = await listenPreferring(server, options.port, host, logger).catch(async (error: unknown) => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  });
  const url = `mqtt://${formatHost(localAddress(host))}:${port}`;
  logger.info({ host, port, url }, 'embedded MQTT broker listening');

  return {
    port,
    url,
    async close() {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // Connections that never logged in are no aedes client; end them too.
      for (const socket of sockets) socket.destroy();
      await serverClosed;
    },
  };
}

async function listenPreferring(server: Server, port: number, host: string, logger: Logger): Promise<number> {
  if (port === 0) return listen(server, 0, host);
  // A wildcard bind may coexist with another broker bound to 127.0.0.1 on the same port (macOS and
  // Windows allow it; Linux refuses it with EADDRINUSE). Local clients would then reach that other
  // broker, so a port something already answers on counts as taken.
  if (!(await answers(localAddress(host), port))) {
    try {
      return await listen(server, port, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  const chosen = await listen(server, 0, host);
  logger.warn(
    { requestedPort: port, port: chosen },
    `MQTT port ${port} is taken (another broker?); the embedded broker listens on ${chosen} instead. Point devices at port ${chosen}, or set MQTT_PORT to a free port.`,
  );
  return chosen;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    const settle = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
  });
}

/** The address a client on this machine uses to reach a server listening on `host`. */
function localAddress(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function digest(secret: string | Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}
