import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { platformError } from './errors.js';

export interface OpsServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The environment variable that sets `port`, named in the error when the port is taken. */
  portVariable: string;
  registry: Registry;
  /** Whether the part can do its work now (connected to what it needs); /readyz answers 503 otherwise. */
  ready: () => boolean;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The operations endpoints every headless part serves: /healthz (the process is alive), /readyz
 * (it can do its work: load balancers and orchestrators route by it) and /metrics (Prometheus).
 */
export function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?', 1)[0];
    if (request.method !== 'GET') return send(response, 405, { status: 'use GET' });
    if (path === '/healthz') return send(response, 200, { status: 'ok' });
    if (path === '/readyz') return options.ready() ? send(response, 200, { status: 'ready' }) : send(response, 503, { status: 'not ready' });
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': options.registry.contentType });
          response.end(text);
        },
        (error: Error) => send(response, 500, { status: 'metrics unavailable', error: error.message }),
      );
      return;
    }
    send(response, 404, { status: 'not found: use /healthz, /readyz or /metrics' });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? platformError('IOC_PORT_IN_USE', [String(options.port), options.portVariable], { cause: error }) : error);
    });
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
