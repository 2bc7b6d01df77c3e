import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** Probes and metrics for the platform; no login, no data beyond counts. */
export function opsRoutes(app: FastifyInstance, deps: { registry: Registry; isReady: () => boolean }) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    if (!deps.isReady()) throw dashboardError('IOC_NOT_READY', ['the dashboard is still subscribing to ioc.alerts and ioc.telemetry']);
    return { status: 'ready' };
  });

  app.get('/metrics', async (_request, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()));
}
