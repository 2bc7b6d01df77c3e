import { createHash, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { MQTT_TOPIC_PREFIX } from '../../contracts/src/index.js';
import { platformError } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import type { DeviceLogins } from './device-registry.js';
import type { BrokerMetrics } from './metrics.js';
import { packetSizeGuard } from './packet-size-guard.js';

/**
 * `device`: one device, whose id is its username; it publishes only on its own topics
 * (ioc/{domain}/{siteId}/{deviceId}/...). `gateway`: publishes for any device, as a field gateway
 * or the simulated city does. `ingest`: subscribes and publishes nothing. No account but ingest
 * may subscribe, so no device reads another's data.
 */
export type BrokerRole = 'device' | 'gateway' | 'ingest';

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
  /** Who may connect besides the registered devices. There is no anonymous access. */
  accounts: readonly BrokerAccount[];
  /** Devices that log in with their own id and secret (role `device`). */
  devices?: DeviceLogins;
  /**
   * The largest MQTT packet taken, in bytes: a larger one closes the connection as soon as its
   * header declares it, logged in or not. Default 128 KiB, twice ingest's default payload limit.
   */
  maxPacketBytes?: number;
  /** Counts what the broker refuses, by reason (createBrokerMetrics). */
  metrics?: BrokerMetrics;
  /**
   * Takes each message a device or gateway publishes before the broker answers it: the QoS 1
   * PUBACK goes out only once the promise resolved (createBrokerIngest: once the bus holds it). A
   * rejection closes the connection unanswered, so the device sends the message again.
   */
  handOver?: (topic: string, payload: Buffer) => Promise<void>;
}

export interface EmbeddedBroker {
  /** The port actually listened on: another one when the requested port was taken. */
  port: number;
  /** Where clients on this machine reach the broker, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  close(): Promise<void>;
}

/** aedes' CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

export const EMBEDDED_BROKER_MAX_PACKET_BYTES = 128 * 1024;
/** A connection must log in within this time. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The embedded default's MQTT broker (aedes, MQTT 3.1.1, in memory). When the requested port is
 * taken — typically by a system Mosquitto — it listens on a free port instead and says so, rather
 * than failing or, worse, letting local clients reach the other broker.
 *
 * What it refuses, each with a warning in the log: a login it does not know; a client id another
 * account has used (no one resumes another's session); a publish outside the account's own
 * topics (MQTT 3.1.1 has no negative acknowledgement: the connection is closed); any subscription
 * but ingest's; a packet larger than maxPacketBytes. Retained flags are dropped: the broker keeps
 * no message for later subscribers.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { logger } = options;
  const host = options.host ?? '0.0.0.0';
  const maxPacketBytes = options.maxPacketBytes ?? EMBEDDED_BROKER_MAX_PACKET_BYTES;
  const refusals = options.metrics?.refusals;
  if (options.accounts.length === 0 && !options.devices) {
    throw platformError('IOC_CONFIG_INVALID', ['the embedded MQTT broker needs at least one account (MQTT_DEVICE_USERNAME and MQTT_DEVICE_PASSWORD)']);
  }
  const accounts = new Map(options.accounts.map((a) => [a.username, { digest: digest(a.password), role: a.role }]));
  const logins = new WeakMap<Client, { username: string; role: BrokerRole }>();
  /** Which account each client id belongs to: the first to log in with it. */
  const owners = new Map<string, string>();

  const roleOf = async (username: string, password: Buffer): Promise<BrokerRole | undefined> => {
    const account = accounts.get(username);
    // Comparing digests keeps the comparison constant-time whatever the password length.
    if (account) return timingSafeEqual(digest(password), account.digest) ? account.role : undefined;
    return (await options.devices?.verify(username, password.toString('utf8'))) ? 'device' : undefined;
  };

  const broker = await Aedes.createBroker({
    connectTimeout: CONNECT_TIMEOUT_MS,
    authenticate(client, username, password, done) {
      const refuse = (returnCode: number, why: string) => {
        refusals?.inc({ reason: returnCode === IDENTIFIER_REJECTED ? 'client-id' : 'login' });
        logger.warn({ clientId: client.id, username }, `MQTT login refused: ${why}`);
        done(Object.assign(new Error(why), { returnCode }) as AuthenticateError, false);
      };
      if (username === undefined || !password) return refuse(BAD_USERNAME_OR_PASSWORD, 'unknown username or wrong password');
      roleOf(username, password).then(
        (role) => {
          if (role === undefined) return refuse(BAD_USERNAME_OR_PASSWORD, 'unknown username or wrong password');
          const owner = owners.get(client.id);
          if (owner !== undefined && owner !== username) return refuse(IDENTIFIER_REJECTED, 'the client id belongs to another account');
          owners.set(client.id, username);
          logins.set(client, { username, role });
          done(null, true);
        },
        (error: unknown) => {
          logger.error({ clientId: client.id, username, err: error }, 'MQTT login refused: the device registry cannot be read');
          refuse(BAD_USERNAME_OR_PASSWORD, 'the device registry cannot be read');
        },
      );
    },
    authorizePublish(client, packet, done) {
      const login = client ? logins.get(client) : undefined;
      const why = login ? publishRefusal(login.username, login.role, packet.topic) : 'no login';
      if (why) {
        refusals?.inc({ reason: 'publish-topic' });
        logger.warn({ clientId: client?.id, username: login?.username, topic: packet.topic }, `MQTT publish refused: ${why}; the connection is closed`);
        done(new Error(why));
        return;
      }
      (packet as PublishPacket).retain = false;
      if (options.handOver && login?.role !== 'ingest') {
        options.handOver(packet.topic, packet.payload as Buffer).then(() => done(null), (error: Error) => done(error));
        return;
      }
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      if (logins.get(client)?.role === 'ingest') {
        done(null, subscription);
        return;
      }
      refusals?.inc({ reason: 'subscribe' });
      logger.warn({ clientId: client.id, topic: subscription.topic }, 'MQTT subscription refused: device accounts may only publish');
      done(null, null);
    },
  });
  broker.on('clientDisconnect', (client) => {
    // A clean session ends with its connection; a persistent one stays its owner's.
    if (client.clean) owners.delete(client.id);
  });
  broker.on('clientError', (client, err) => logger.debug({ clientId: client.id, err }, 'MQTT client error'));
  broker.on('connectionError', (client, err) => logger.debug({ clientId: client.id, err }, 'MQTT connection error'));

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Listening before aedes does: an oversized packet is refused on the chunk that declares it.
    const guard = packetSizeGuard(maxPacketBytes, (declaredAtLeast) => {
      refusals?.inc({ reason: 'packet-size' });
      logger.warn({ remoteAddress: socket.remoteAddress, declaredAtLeast, maxPacketBytes }, 'MQTT packet too large or malformed; the connection is closed');
      socket.destroy();
    });
    socket.on('data', guard);
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

/** Why `username` may not publish on `topic`, or undefined when it may. */
function publishRefusal(username: string, role: BrokerRole, topic: string): string | undefined {
  if (role === 'ingest') return 'the ingest account publishes nothing';
  const levels = topic.split('/');
  // Anything under ioc/ reaches ingest, which dead-letters a topic off the scheme with its reason.
  if (levels[0] !== MQTT_TOPIC_PREFIX) return `topic outside ${MQTT_TOPIC_PREFIX}/`;
  if (role === 'device' && levels[3] !== username) return `device "${username}" may publish only on ${MQTT_TOPIC_PREFIX}/{domain}/{siteId}/${username}/...`;
  return undefined;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function digest(secret: string | Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}
