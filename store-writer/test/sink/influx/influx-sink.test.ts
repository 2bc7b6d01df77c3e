import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reading } from '../../../../contracts/src/index.js';
import { createLogger } from '../../../../platform/src/index.js';
import { InfluxSink, type InfluxSinkOptions } from '../../../src/sink/influx/index.js';

/**
 * The sink against a loopback HTTP server that answers like a store under stress (holding a
 * request, 503 with Retry-After, 413, 400), which a healthy InfluxDB or VictoriaMetrics cannot be
 * made to do on demand. The real stores are exercised in test/integration.
 */
interface Received {
  url: string;
  authorization?: string;
  lines: string[];
  at: number;
  respond(status: number, headers?: Record<string, string>): void;
}

class FakeStore {
  readonly requests: Received[] = [];
  private waiters: Array<() => void> = [];
  constructor(
    readonly server: Server,
    private readonly answer: ((request: Received) => void) | undefined,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  handle(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request: Received = {
        url: req.url ?? '',
        authorization: req.headers.authorization,
        lines: body.split('\n'),
        at: Date.now(),
        respond: (status, headers = {}) => res.writeHead(status, headers).end(),
      };
      this.requests.push(request);
      this.waiters.splice(0).forEach((wake) => wake());
      this.answer?.(request);
    });
  }

  async nextRequest(count = this.requests.length + 1): Promise<Received> {
    const deadline = Date.now() + 5000;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`store got ${this.requests.length} requests, expected ${count}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.requests[count - 1];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const stores: FakeStore[] = [];
const sinks: InfluxSink[] = [];

/** `answer` responds to each request as it arrives; without it the test responds itself. */
async function startStore(answer?: (request: Received) => void, port = 0): Promise<FakeStore> {
  const server = createServer();
  const store = new FakeStore(server, answer);
  server.on('request', (req, res) => store.handle(req, res));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  stores.push(store);
  return store;
}

function sinkFor(url: string, options: Partial<InfluxSinkOptions> = {}): InfluxSink {
  const sink = new InfluxSink({
    url,
    token: 'secret-token',
    org: 'ioc org',
    bucket: 'ioc',
    retry: { initialMs: 20, maxMs: 100 },
    closeTimeoutMs: 300,
    logger: createLogger('test', 'silent'),
    ...options,
  });
  sinks.push(sink);
  return sink;
}

function readings(count: number, deviceId = 'air-1'): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    deviceId,
    domain: 'environment',
    kind: 'air-station',
    siteId: 'st-1',
    ward: 'Phường Láng',
    ts: 1795000000000 + i,
    seq: i,
    receivedAt: 1795000000000 + i,
    metrics: { pm25: 10 + i },
  }));
}

function settled(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50))]);
}

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

describe('InfluxSink', () => {
  it('resolves a write only once the store acknowledged it, and counts it in the backlog until then', async () => {
    const store = await startStore();
    const sink = sinkFor(store.url);
    const write = sink.write(readings(3), []);
    const request = await store.nextRequest();
    expect(request.lines).toHaveLength(3);
    expect(await settled(write)).toBe(false);
    expect(sink.backlog()).toBe(3);
    request.respond(204);
    await write;
    expect(sink.stats()).toMatchObject({ backlog: 0, writtenLines: 3 });
  });

  it('writes to the v2 API with org, bucket, millisecond precision and the token', async () => {
    const store = await startStore((request) => request.respond(204));
    await sinkFor(store.url).write(readings(1), []);
    expect(store.requests[0].url).toBe('/api/v2/write?org=ioc%20org&bucket=ioc&precision=ms');
    expect(store.requests[0].authorization).toBe('Token secret-token');
  });

  it('retries a 503 no sooner than Retry-After says', async () => {
    const store = await startStore((request) => (store.requests.length === 1 ? request.respond(503, { 'retry-after': '1' }) : request.respond(204)));
    const sink = sinkFor(store.url);
    await sink.write(readings(2), []);
    expect(store.requests).toHaveLength(2);
    expect(store.requests[1].at - store.requests[0].at).toBeGreaterThanOrEqual(1000);
    expect(store.requests[1].lines).toEqual(store.requests[0].lines);
    expect(sink.stats()).toMatchObject({ retries: 1, writtenLines: 2 });
  });

  it('retries with back-off while nothing listens, and succeeds once the store appears', async () => {
    const placeholder = await startStore();
    const url = placeholder.url;
    const port = (placeholder.server.address() as AddressInfo).port;
    await placeholder.close();
    const sink = sinkFor(url);
    const write = sink.write(readings(4), []);
    const deadline = Date.now() + 5000;
    while (sink.stats().retries < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.stats().retries).toBeGreaterThanOrEqual(3);
    expect(await settled(write)).toBe(false);
    const store = await startStore((request) => request.respond(204), port);
    await write;
    expect(store.requests.flatMap((request) => request.lines)).toHaveLength(4);
  });

  it('coalesces writes made while a request is in flight into one request', async () => {
    const store = await startStore();
    const sink = sinkFor(store.url, { concurrency: 1 });
    const first = sink.write(readings(1), []);
    const held = await store.nextRequest();
    const later = [sink.write(readings(2, 'a'), []), sink.write(readings(2, 'b'), []), sink.write(readings(2, 'c'), [])];
    held.respond(204);
    await first;
    const next = await store.nextRequest(2);
    expect(next.lines).toHaveLength(6);
    next.respond(204);
    await Promise.all(later);
  });

  it('splits a large write into requests of at most batchLines lines and resolves after the last', async () => {
    const store = await startStore((request) => request.respond(204));
    await sinkFor(store.url, { batchLines: 3, concurrency: 1 }).write(readings(7), []);
    expect(store.requests.map((request) => request.lines.length)).toEqual([3, 3, 1]);
  });

  it('sends each half again when the store says a request is too large', async () => {
    const store = await startStore((request) => (request.lines.length > 2 ? request.respond(413) : request.respond(204)));
    await sinkFor(store.url).write(readings(4), []);
    const written = store.requests.filter((request) => request.lines.length <= 2).flatMap((request) => request.lines);
    expect(store.requests[0].lines).toHaveLength(4);
    expect(written.sort()).toEqual([...store.requests[0].lines].sort());
  });

  it('does not retry lines the store refuses as invalid, and counts them', async () => {
    const store = await startStore((request) => request.respond(400));
    const sink = sinkFor(store.url);
    await sink.write(readings(2), []);
    expect(store.requests).toHaveLength(1);
    expect(sink.stats()).toMatchObject({ rejectedLines: 2, writtenLines: 0, backlog: 0 });
  });

  it('says when it is full and when it has drained to half', async () => {
    const store = await startStore();
    const sink = sinkFor(store.url, { maxBacklog: 4, concurrency: 1 });
    const write = sink.write(readings(4), []);
    expect(sink.isFull()).toBe(true);
    const drained = sink.whenDrained();
    const request = await store.nextRequest();
    expect(await settled(drained)).toBe(false);
    request.respond(204);
    await Promise.all([write, drained]);
    expect(sink.isFull()).toBe(false);
  });

  it('rejects on close the writes the store never acknowledged, and refuses new ones', async () => {
    const store = await startStore((request) => request.respond(503));
    const sink = sinkFor(store.url);
    const write = sink.write(readings(2), []);
    await store.nextRequest();
    await sink.close();
    await expect(write).rejects.toMatchObject({ code: 'IOC_SINK_CLOSED' });
    await expect(sink.write(readings(1), [])).rejects.toMatchObject({ code: 'IOC_SINK_CLOSED' });
    expect(sink.backlog()).toBe(0);
  });
});
