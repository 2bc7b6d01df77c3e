import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { errorResponses } from '../schemas.js';

/** Probes and metrics for the platform; no login, no data beyond counts. */
export function opsRoutes(app: FastifyInstance, deps: { registry: Registry; isReady: () => boolean }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['operations'];

  api.get(
    '/healthz',
    { schema: { tags, summary: 'Liveness: the process answers', response: { 200: z.strictObject({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  api.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness: 200 once the dashboard follows ioc.alerts and ioc.telemetry, 503 before',
        response: { 200: z.strictObject({ status: z.literal('ready') }), ...errorResponses(503) },
      },
    },
    async () => {
      if (!deps.isReady()) throw dashboardError('IOC_NOT_READY', ['the dashboard is still subscribing to ioc.alerts and ioc.telemetry']);
      return { status: 'ready' as const };
    },
  );

  api.get(
    '/metrics',
    {
      schema: {
        tags,
        summary: 'Prometheus metrics of this process (text exposition format)',
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (_request, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
}
