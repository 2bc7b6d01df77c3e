import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_SCHEMAS } from './schemas.js';

export const OPENAPI_PATH = '/api/openapi.json';

/**
 * Makes each route's zod schemas do three jobs: validate the request (a failure becomes
 * IOC_INVALID_REQUEST in error-handling.ts), check and serialize the response, and describe both in
 * the OpenAPI document served at /api/openapi.json. Call before registering any route: the
 * document lists the routes registered after it.
 */
export async function registerOpenApi(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'IOC operations dashboard API',
        version: '1',
        description:
          'Alerts, stations, rule sets, users and the audit trail of the operations centre. Log in with POST /api/login, then send `Authorization: Bearer <token>`. Live updates come over the WebSocket at /ws.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/login.' } } },
    },
    transform: createJsonSchemaTransform({ skipList: [], schemaRegistry: API_SCHEMAS }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: API_SCHEMAS }),
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    OPENAPI_PATH,
    {
      schema: {
        tags: ['documentation'],
        summary: 'This document: every route of the dashboard with its request and response schemas',
        response: { 200: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) },
      },
    },
    async () => app.swagger() as unknown as { openapi: string; paths: Record<string, unknown> },
  );
}
