import { dashboardError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../ws-messages.js';
import { errorResponses } from '../schemas.js';

/**
 * `/ws` is the live view's WebSocket: ws/live-server.ts takes the upgrade off the HTTP server
 * before Fastify sees it. This route answers the plain GETs that reach Fastify (426) and puts the
 * endpoint in the OpenAPI document.
 */
export function liveRoute(app: FastifyInstance) {
  app.get(
    '/ws',
    {
      schema: {
        tags: ['live'],
        summary: 'Live alerts and station values over a WebSocket',
        description: `Open with a WebSocket client offering two subprotocols: \`${WS_PROTOCOL}\` and \`${WS_TOKEN_PREFIX}<token>\` (the token from POST /api/login; a URL would land in access logs). A refused token answers 401 before the upgrade. Messages are JSON: \`snapshot\` first, then \`alert\` and \`stations\` (see ws-messages.ts). A plain GET answers 426.`,
        response: { 101: z.undefined().meta({ description: 'Switching to the WebSocket protocol' }), ...errorResponses(401, 426) },
      },
    },
    async () => {
      throw dashboardError('IOC_UPGRADE_REQUIRED');
    },
  );
}
