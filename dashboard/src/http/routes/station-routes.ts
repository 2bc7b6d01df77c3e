import type { FastifyInstance } from 'fastify';
import { METRICS } from '../../../../contracts/src/index.js';
import type { StationStore } from '../../stations/station-store.js';

export function stationRoutes(app: FastifyInstance, deps: { stations: StationStore }) {
  /** Latest value of each metric per station, by domain then station id. */
  app.get('/api/stations', async () => deps.stations.list());

  /** Metric labels (vi/en) and units, so the page names what it shows from the one catalogue in contracts. */
  app.get('/api/catalogue', async () => ({ metrics: METRICS }));
}
