import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric the dashboard exports, registered on the registry the launcher passes in. */
export function createDashboardMetrics(registry: Registry) {
  return {
    wsClients: new Gauge({
      name: 'ioc_dashboard_ws_clients',
      help: 'WebSocket clients connected to the live view',
      registers: [registry],
    }),
    alertsPushed: new Counter({
      name: 'ioc_dashboard_alerts_pushed_total',
      help: 'Alert changes pushed to WebSocket clients (one per client)',
      registers: [registry],
    }),
    stationUpdatesDeferred: new Counter({
      name: 'ioc_dashboard_station_updates_deferred_total',
      help: 'Station batches held back from a client whose socket buffer was full (sent later, coalesced)',
      registers: [registry],
    }),
    slowClientsClosed: new Counter({
      name: 'ioc_dashboard_slow_clients_closed_total',
      help: 'WebSocket clients closed because they could not keep up with alerts; they reconnect and get a fresh snapshot',
      registers: [registry],
    }),
    logins: new Counter({
      name: 'ioc_dashboard_logins_total',
      help: 'Login attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'ioc_dashboard_http_request_duration_seconds',
      help: 'HTTP requests by route and status, with their duration',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type DashboardMetrics = ReturnType<typeof createDashboardMetrics>;
