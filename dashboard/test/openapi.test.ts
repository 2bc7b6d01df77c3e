import { channel } from 'node:diagnostics_channel';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../src/http/error-handling.js';
import { registerOpenApi } from '../src/http/openapi.js';
import { ADMIN_PASSWORD, callApi, startTestDashboard, type TestDashboard } from './support/test-dashboard.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { tags?: string[]; summary?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

/**
 * Every route Fastify registers, as `METHOD /path`, seen through the onRoute hook of each instance
 * created while `collect` runs: Fastify announces new instances on the `fastify.initialization`
 * diagnostics channel, before any route exists. HEAD routes are left out: Fastify adds one for each
 * GET by itself, and the document describes the GET.
 */
async function collectRoutes<T>(collect: () => Promise<T>): Promise<{ result: T; routes: string[] }> {
  const routes: string[] = [];
  const initialization = channel('fastify.initialization');
  const onInstance = (message: unknown) => {
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
    });
  };
  initialization.subscribe(onInstance);
  try {
    return { result: await collect(), routes };
  } finally {
    initialization.unsubscribe(onInstance);
  }
}

/** The document's operations as `METHOD /path`, its `{param}` written back as Fastify's `:param`. */
function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

let test: TestDashboard | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('/api/openapi.json', () => {
  it('lists every route the dashboard registers, and nothing it does not serve', async () => {
    const { result, routes } = await collectRoutes(() => startTestDashboard());
    test = result;
    const { status, body } = await callApi(test.url, '/api/openapi.json');
    expect(status).toBe(200);
    const document = body as OpenApiDocument;
    expect(document.openapi).toMatch(/^3\.1\./);

    expect([...new Set(routes)].sort()).toEqual(documentedRoutes(document).sort());
    // The collection saw the real application, not an empty one.
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/openapi.json',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'POST /api/login',
        'GET /api/alerts',
        'POST /api/alerts/:id/acknowledge',
        'PUT /api/rule-sets/:id',
        'DELETE /api/users/:username',
        'GET /api/audit',
        'GET /ws',
        'GET /',
      ]),
    );
  });

  it('describes each operation: a tag, a summary, the bearer scheme behind login, a JSON answer for the API', async () => {
    test = await startTestDashboard();
    const document = (await callApi(test.url, '/api/openapi.json')).body as OpenApiDocument;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Alert', 'RuleSet', 'Station', 'AuditEntry', 'User', 'SessionGrant', 'Error']));

    const publicApi = ['POST /api/login', 'GET /api/openapi.json'];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        expect(operation.tags?.length, `${route} has a tag`).toBeGreaterThan(0);
        expect(operation.summary, `${route} has a summary`).toBeTruthy();
        if (!path.startsWith('/api/')) continue;
        const secured = operation.security?.length === 1;
        expect({ route, secured }).toEqual({ route, secured: !publicApi.includes(route) });
        if (secured) expect(operation.responses['401'], `${route} documents 401`).toBeDefined();
        const success = Object.entries(operation.responses).find(([code]) => code.startsWith('2'));
        expect(success, `${route} documents its answer`).toBeDefined();
        if (success![0] !== '204') expect(Object.keys(success![1].content ?? {}), `${route} answers JSON`).toEqual(['application/json']);
      }
    }
  });

  it('is served without a token, and its schemas are the ones that validate: the 400 names the field', async () => {
    test = await startTestDashboard();
    const document = (await callApi(test.url, '/api/openapi.json')).body as OpenApiDocument;
    const acknowledge = document.paths['/api/alerts/{id}/acknowledge'].post as unknown as { requestBody: { content: { 'application/json': { schema: { required: string[] } } } } };
    expect(acknowledge.requestBody.content['application/json'].schema.required).toEqual(['comment']);

    const token = await test.login('admin', ADMIN_PASSWORD);
    const refused = await callApi(test.url, '/api/alerts/some-alert/acknowledge', { token, body: { comment: ' ' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 'IOC_INVALID_REQUEST',
      message: 'Request is invalid: comment: write a comment saying what was done (1–1000 characters).',
      details: { issues: [{ path: 'comment', message: 'write a comment saying what was done (1–1000 characters)' }] },
    });
    const badLimit = await callApi(test.url, '/api/audit?limit=0', { token });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.details.issues[0].path).toBe('limit');
  });

  it('documents /ws, whose upgrade the live server takes; a plain GET is told to upgrade', async () => {
    test = await startTestDashboard();
    const document = (await callApi(test.url, '/api/openapi.json')).body as OpenApiDocument;
    expect(document.paths['/ws'].get.responses).toHaveProperty('101');
    const plain = await callApi(test.url, '/ws');
    expect(plain.status).toBe(426);
    expect(plain.body.code).toBe('IOC_UPGRADE_REQUIRED');
  });
});

describe('the route check', () => {
  it('finds a route left out of the document', async () => {
    const { result: app, routes } = await collectRoutes(async () => {
      const app = Fastify();
      registerErrorHandling(app);
      await registerOpenApi(app);
      app.get('/api/documented', { schema: { tags: ['t'], summary: 'documented' } }, async () => ({}));
      app.get('/api/hidden', { schema: { hide: true } }, async () => ({}));
      await app.ready();
      return app;
    });
    const document = (await app.inject({ url: '/api/openapi.json' })).json() as OpenApiDocument;
    await app.close();
    expect(routes.filter((route) => !documentedRoutes(document).includes(route))).toEqual(['GET /api/hidden']);
  });
});
