import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { METRICS } from '../../../../contracts/src/index.js';
import type { StationStore } from '../../stations/station-store.js';
import { StationSchema } from '../../ws-messages.js';
import { CatalogueSchema } from '../schemas.js';

export function stationRoutes(app: FastifyInstance, deps: { stations: StationStore }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['stations'];

  api.get(
    '/api/stations',
    { schema: { tags, summary: 'Latest value of each metric per station, by domain then station id', response: { 200: z.array(StationSchema) } } },
    async () => deps.stations.list(),
  );

  api.get(
    '/api/catalogue',
    {
      schema: {
        tags,
        summary: 'Metric labels (vi/en), units and ranges, so the page names what it shows from the one catalogue in contracts',
        response: { 200: CatalogueSchema },
      },
    },
    async () => ({ metrics: METRICS }),
  );
}
