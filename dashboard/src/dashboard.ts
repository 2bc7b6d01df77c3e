import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Alert } from '../../contracts/src/index.js';
import type { Bus, DatabaseEngine, DatabaseLocation, Subscription } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import { AlertActions } from './alerts/alert-actions.js';
import { AlertStore, type AlertStoreOptions } from './alerts/alert-store.js';
import { AuditLog } from './audit/audit-log.js';
import { LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { SessionTokens, generateTokenSecret } from './auth/tokens.js';
import { UserAccounts } from './auth/user-accounts.js';
import { UserStore, type NewUser } from './auth/users.js';
import { followBus } from './feeds.js';
import { requireLogin } from './http/auth.js';
import { registerErrorHandling } from './http/error-handling.js';
import { registerOpenApi } from './http/openapi.js';
import { alertRoutes } from './http/routes/alert-routes.js';
import { auditRoutes } from './http/routes/audit-routes.js';
import { liveRoute } from './http/routes/live-route.js';
import { opsRoutes } from './http/routes/ops-routes.js';
import { loginRoute, userRoutes } from './http/routes/session-routes.js';
import { ruleRoutes } from './http/routes/rule-routes.js';
import { stationRoutes } from './http/routes/station-routes.js';
import { registerStaticAssets } from './http/static-assets.js';
import { createDashboardMetrics } from './metrics.js';
import { recordAlerts } from './record/alert-history.js';
import { importFileRecord, type FileRecord } from './record/import-files.js';
import { openRecord } from './record/open-record.js';
import { RuleSets } from './rules/rule-sets.js';
import { StationStore } from './stations/station-store.js';
import { LiveServer, type LiveServerOptions } from './ws/live-server.js';

export interface DashboardOptions {
  bus: Bus;
  logger: Logger;
  /** The dashboard registers its metrics here and serves the whole registry on /metrics. */
  registry: Registry;
  /**
   * The operations record (accounts, rule-set versions, alert history, audit log): PostgreSQL
   * `{ url }` or an SQLite `{ file }`. Replicas given the same database share all of it. Opened,
   * migrated to the latest schema at start and closed by `close()`.
   */
  database: DatabaseLocation;
  /** The files of the release before the database: imported once, into a record without accounts (see import-files.ts). */
  importFiles?: FileRecord;
  users: {
    /** Password of the first admin, `admin`. When absent one is generated: see `generatedAdminPassword`. */
    adminPassword?: string;
    /** More users to create at start (IOC_USERS). Configuration wins for the accounts it names: see UserStore.configure. */
    seed?: NewUser[];
  };
  /** HMAC key for session tokens. When absent one is generated: sessions then end at restart and work on this replica only. */
  tokenSecret?: string;
  tokenTtlMs?: number;
  /** Names this instance's consumer groups; must be new at each start (see feeds.ts). */
  instanceId?: string;
  /** Trust X-Forwarded-For (behind a reverse proxy), so login throttling sees the user's address. */
  trustProxy?: boolean;
  now?: () => number;
  /** How often each replica checks the record for account changes made by other replicas (default 1 s). */
  accountsRefreshMs?: number;
  alertStore?: Partial<AlertStoreOptions>;
  loginThrottle?: Partial<LoginThrottleOptions>;
  live?: Pick<LiveServerOptions, 'stationFlushMs' | 'heartbeatMs' | 'stationBufferLimit' | 'maxBufferedBytes'>;
}

export interface Dashboard {
  app: FastifyInstance;
  /** Set when no admin password was given and no admin could log in (first start): the launcher shows it once, then it is gone. */
  generatedAdminPassword?: string;
  /** Resolves once the bus consumers run (when /readyz turns 200); rejects if they cannot start. */
  whenReady(): Promise<void>;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /** Which database holds the record, without any password (for the start banner). */
  database: { engine: DatabaseEngine; where: string };
  /** Stops consuming, closes live connections, the HTTP server and the database. The bus stays open: its owner closes it. */
  close(): Promise<void>;
}

const PUBLIC_FOLDER = fileURLToPath(new URL('../public/', import.meta.url));
const TWELVE_HOURS = 12 * 60 * 60_000;

/** Security headers for every response: the page runs only its own scripts and cannot be framed. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Builds the operations-centre dashboard: HTTP API, live WebSocket and page, fed from the bus. */
export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const metrics = createDashboardMetrics(options.registry);
  const instanceId = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;

  const record = await openRecord(options.database);
  if (options.importFiles) await importFileRecord(record, options.importFiles, logger);
  const auditLog = new AuditLog({ record, bus: options.bus, logger, now });
  const users = await UserStore.open({ record, auditLog, now, refreshMs: options.accountsRefreshMs });
  const { adminPassword } = options.users;
  const configured = await users.configure([
    ...(adminPassword === undefined ? [] : [{ username: 'admin', role: 'admin' as const, password: adminPassword, source: 'IOC_ADMIN_PASSWORD' as const }]),
    ...(options.users.seed ?? []).map((user) => ({ ...user, source: 'IOC_USERS' as const })),
  ]);
  for (const { username, source, created, changed } of configured) {
    await auditLog.record({ actor: 'system', action: 'user.configure', target: username, details: { source, created, changed } });
  }
  // Without a configured password, only while no admin can log in (the first start); later starts leave the account as its users left it.
  const generatedAdminPassword = adminPassword === undefined ? await ensureFirstAdmin(users) : undefined;
  if (options.tokenSecret === undefined) logger.warn('IOC_TOKEN_SECRET is not set: sessions end when this process stops and work on this replica only');
  const tokens = new SessionTokens({ secret: options.tokenSecret ?? generateTokenSecret(), ttlMs: options.tokenTtlMs ?? TWELVE_HOURS, now });
  const verifySession = (token: string) => users.current(tokens.verify(token));

  const alerts = new AlertStore(options.alertStore);
  const stations = new StationStore();
  // Fastify types its logger with the pino version it bundles; ours is the same API.
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 64 * 1024, trustProxy: options.trustProxy ?? false });
  const live = new LiveServer(app.server, {
    ...options.live,
    verify: verifySession,
    logger,
    metrics,
    now,
    snapshot: () => ({ alerts: alerts.list('unresolved', now()), stations: stations.list() }),
    station: (siteId) => stations.get(siteId),
  });
  const applyAlert = (snapshot: Alert) => {
    const changed = alerts.apply(snapshot, now());
    if (changed) live.pushAlert(changed);
  };
  const actions = new AlertActions({ alerts, record, bus: options.bus, auditLog, apply: applyAlert, now });
  const ruleSets = new RuleSets({ record, bus: options.bus, auditLog, now });
  users.follow(() => live.recheckSessions());

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  registerErrorHandling(app);
  await registerOpenApi(app);

  let ready = false;
  const accounts = new UserAccounts({ users, accountsChanged: () => live.recheckSessions() });
  const sessionDeps = { users, accounts, tokens, throttle: new LoginThrottle(options.loginThrottle), auditLog, metrics, now };
  opsRoutes(app, { registry: options.registry, isReady: () => ready });
  liveRoute(app);
  await registerStaticAssets(app, PUBLIC_FOLDER);
  loginRoute(app, sessionDeps);
  await app.register(async (api) => {
    // Each request first checks the accounts revision, so an account disabled or changed on
    // another replica is refused here at once (live connections: within accountsRefreshMs).
    requireLogin(api, async (token) => {
      const session = tokens.verify(token);
      await users.refresh();
      return users.current(session);
    });
    userRoutes(api, sessionDeps);
    alertRoutes(api, { record, actions });
    stationRoutes(api, { stations });
    auditRoutes(api, { auditLog });
    ruleRoutes(api, { ruleSets });
  });

  const subscriptions: Promise<Subscription[]> = followBus(options.bus, instanceId, {
    alerts: async (snapshots) => {
      await recordAlerts(record, snapshots);
      snapshots.forEach(applyAlert);
    },
    reading: (reading) => {
      const station = stations.apply(reading);
      if (station) live.stationChanged(station.siteId);
    },
    ruleSets: async (records) => {
      for (const ruleSet of records) await ruleSets.apply(ruleSet);
    },
  });
  subscriptions.then(
    () => {
      ready = true;
      logger.info({ instanceId }, 'dashboard follows ioc.alerts and ioc.telemetry');
    },
    (error: unknown) => logger.error({ err: error }, 'dashboard could not subscribe to the bus; /readyz stays 503'),
  );

  return {
    app,
    generatedAdminPassword,
    database: { engine: record.engine, where: record.where },
    whenReady: async () => {
      await subscriptions;
    },
    async listen(port, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      return { port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
    },
    async close() {
      await Promise.all((await subscriptions.catch(() => [])).map((subscription) => subscription.stop()));
      users.stop();
      await live.close();
      await app.close();
      await record.close();
    },
  };
}
