import { createServer, type AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, test } from 'vitest';
import { startOpsServer, type OpsServer } from '../src/ops-server.js';

const servers: OpsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(ready: () => boolean, registry = new Registry()): Promise<string> {
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', portVariable: 'TEST_PORT', registry, ready });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

describe('ops server', () => {
  test('/healthz answers while the process lives; /readyz follows readiness', async () => {
    let ready = false;
    const base = await start(() => ready);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  test('/metrics serves the registry in the Prometheus text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'ioc_test_things_total', help: 'things', registers: [registry] }).inc(3);
    const response = await fetch(`${await start(() => true, registry)}/metrics`);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('ioc_test_things_total 3');
  });

  test('other paths are 404 and name the ones that exist', async () => {
    const response = await fetch(`${await start(() => true)}/status`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ status: 'not found: use /healthz, /readyz or /metrics' });
  });

  test('a taken port fails with the variable to change', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      await expect(startOpsServer({ port, host: '127.0.0.1', portVariable: 'INGEST_PORT', registry: new Registry(), ready: () => true })).rejects.toMatchObject({
        code: 'IOC_PORT_IN_USE',
        message: `Port ${port} is already in use; set INGEST_PORT to a free port.`,
      });
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
