import { dashboardError } from '../errors.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Alert } from '../../../contracts/src/index.js';
import { IocError } from '../../../platform/src/index.js';
import type { Logger } from '../../../platform/src/index.js';
import type { Session } from '../auth/tokens.js';
import type { DashboardMetrics } from '../metrics.js';
import { WS_CLOSE, WS_PROTOCOL, WS_TOKEN_PREFIX, type ServerMessage, type Station } from '../ws-messages.js';

export interface LiveServerOptions {
  /** Checks a token and the account behind it; throws an IocError when it may not connect. */
  verify: (token: string) => Session;
  logger: Logger;
  metrics: DashboardMetrics;
  now: () => number;
  /** What a client receives first. */
  snapshot: () => { alerts: Alert[]; stations: Station[] };
  station: (siteId: string) => Station | undefined;
  /** Station changes are batched and sent at most this often. */
  stationFlushMs?: number;
  /** A client that has not answered the previous ping by the next one is dropped. */
  heartbeatMs?: number;
  /** Above this many unsent bytes a client gets no station batches until it catches up (they are coalesced, not lost). */
  stationBufferLimit?: number;
  /** Above this many unsent bytes a client is disconnected: it reconnects and gets a fresh snapshot, so it never misses an alert. */
  maxBufferedBytes?: number;
}

interface Client {
  socket: WebSocket;
  token: string;
  session: Session;
  /** Stations changed since this client last received them. */
  pendingStations: Set<string>;
  answeredPing: boolean;
  expiry: NodeJS.Timeout;
}

/**
 * The live view's WebSocket at /ws. Browsers cannot set headers on a WebSocket, and a token in the
 * URL would land in access logs, so the client offers two subprotocols: `ioc.v1` and
 * `bearer.<token>`. The token is checked before the upgrade completes (401 otherwise) and the
 * server answers with `ioc.v1` only, never echoing the token. Cookies are not used, so another
 * site cannot open the socket with the user's credentials.
 */
export class LiveServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, handleProtocols: () => WS_PROTOCOL });
  private readonly clients = new Set<Client>();
  private readonly changedStations = new Set<string>();
  private readonly timers: NodeJS.Timeout[];
  private readonly options: Required<LiveServerOptions>;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head);

  constructor(
    private readonly server: Server,
    options: LiveServerOptions,
  ) {
    this.options = { stationFlushMs: 1000, heartbeatMs: 30_000, stationBufferLimit: 1 << 20, maxBufferedBytes: 16 << 20, ...options };
    server.on('upgrade', this.onUpgrade);
    this.timers = [setInterval(() => this.flushStations(), this.options.stationFlushMs), setInterval(() => this.heartbeat(), this.options.heartbeatMs)];
    this.timers.forEach((timer) => timer.unref());
  }

  pushAlert(alert: Alert): void {
    const message = JSON.stringify({ type: 'alert', alert } satisfies ServerMessage);
    for (const client of this.clients) {
      if (client.socket.bufferedAmount > this.options.maxBufferedBytes) {
        this.options.metrics.slowClientsClosed.inc();
        this.options.logger.warn({ user: client.session.username }, 'WebSocket client too slow for alerts; disconnected so it reconnects with a fresh snapshot');
        client.socket.terminate();
        continue;
      }
      client.socket.send(message);
      this.options.metrics.alertsPushed.inc();
    }
  }

  /**
   * Checks every connection's session again after an account changed: a disabled or deleted
   * account, or one whose password changed, loses its live view at once (close 4003; the page
   * then asks the API why and shows the login form).
   */
  recheckSessions(): void {
    for (const client of this.clients) {
      try {
        client.session = this.options.verify(client.token);
      } catch {
        client.socket.close(WS_CLOSE.sessionEnded, 'session ended');
      }
    }
  }

  stationChanged(siteId: string): void {
    if (this.clients.size > 0) this.changedStations.add(siteId);
  }

  async close(): Promise<void> {
    this.timers.forEach((timer) => clearInterval(timer));
    this.server.off('upgrade', this.onUpgrade);
    const closed = [...this.clients].map((client) => new Promise((resolve) => client.socket.once('close', resolve)));
    for (const client of this.clients) client.socket.close(WS_CLOSE.shuttingDown, 'server shutting down');
    // Clients get a moment to answer the close; dead ones are cut so shutdown cannot hang.
    const grace = setTimeout(() => this.clients.forEach((client) => client.socket.terminate()), 1000);
    await Promise.all(closed);
    clearTimeout(grace);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', (error) => this.options.logger.debug({ err: error }, 'WebSocket handshake socket error'));
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/ws') {
      return refuse(socket, dashboardError('IOC_NOT_FOUND', [request.url ?? '/']));
    }
    const token = tokenFromProtocols(request.headers['sec-websocket-protocol']);
    let session: Session;
    try {
      session = this.options.verify(token);
    } catch (error) {
      return refuse(socket, error instanceof IocError ? error : dashboardError('IOC_UNAUTHENTICATED'));
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, token, session));
  }

  private accept(socket: WebSocket, token: string, session: Session) {
    const client: Client = {
      socket,
      token,
      session,
      pendingStations: new Set(),
      answeredPing: true,
      // A session ends when its token does; the page then asks the user to log in again.
      expiry: setTimeout(() => socket.close(WS_CLOSE.sessionExpired, 'session expired'), Math.min(session.expiresAt - this.options.now(), 2 ** 31 - 1)),
    };
    client.expiry.unref();
    const { alerts, stations } = this.options.snapshot();
    socket.send(JSON.stringify({ type: 'snapshot', serverTime: this.options.now(), alerts, stations } satisfies ServerMessage));
    this.clients.add(client);
    this.options.metrics.wsClients.set(this.clients.size);
    socket.on('pong', () => {
      client.answeredPing = true;
    });
    socket.on('error', (error) => this.options.logger.debug({ err: error, user: session.username }, 'WebSocket client error'));
    socket.on('close', () => {
      clearTimeout(client.expiry);
      this.clients.delete(client);
      this.options.metrics.wsClients.set(this.clients.size);
    });
  }

  private flushStations() {
    if (this.changedStations.size === 0 && ![...this.clients].some((client) => client.pendingStations.size > 0)) return;
    const changed = [...this.changedStations];
    this.changedStations.clear();
    for (const client of this.clients) {
      changed.forEach((siteId) => client.pendingStations.add(siteId));
      if (client.pendingStations.size === 0) continue;
      if (client.socket.bufferedAmount > this.options.stationBufferLimit) {
        this.options.metrics.stationUpdatesDeferred.inc();
        continue;
      }
      const stations = [...client.pendingStations].flatMap((siteId) => this.options.station(siteId) ?? []);
      client.pendingStations.clear();
      client.socket.send(JSON.stringify({ type: 'stations', stations } satisfies ServerMessage));
    }
  }

  private heartbeat() {
    for (const client of this.clients) {
      if (!client.answeredPing) {
        client.socket.terminate();
        continue;
      }
      client.answeredPing = false;
      client.socket.ping();
    }
  }
}

/** The token from `Sec-WebSocket-Protocol: ioc.v1, bearer.<token>`; empty when absent (verification then fails). */
function tokenFromProtocols(header: string | undefined): string {
  const protocols = (header ?? '').split(',').map((p) => p.trim());
  if (!protocols.includes(WS_PROTOCOL)) return '';
  return protocols.find((p) => p.startsWith(WS_TOKEN_PREFIX))?.slice(WS_TOKEN_PREFIX.length) ?? '';
}

function refuse(socket: Duplex, error: IocError) {
  const body = JSON.stringify(error.toJSON());
  const reason = error.statusCode === 404 ? 'Not Found' : 'Unauthorized';
  socket.end(
    `HTTP/1.1 ${error.statusCode} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
