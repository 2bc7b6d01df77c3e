import { randomUUID } from 'node:crypto';
import { createServer, connect as connectTcp, type Server } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Alert, Reading } from '../../../contracts/src/index.js';
import { createLogger } from '../../../platform/src/index.js';
import { InfluxSink, type InfluxSinkOptions } from '../../src/sink/influx/index.js';
import { countReadingsPerDevice, waitForReadingCounts } from '../../../test-support/store-query.js';

/**
 * InfluxSink against the real time-series store of this run: VictoriaMetrics from
 * scripts/services, or InfluxDB 2.x when INFLUX_URL points at one (or Docker started one).
 * Device ids are unique per test, so counts are not disturbed by other runs.
 */
const { influx } = inject('services');
const logger = createLogger('influx-sink-test', process.env.LOG_LEVEL ?? 'silent');
const sinks: InfluxSink[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function sink(options: Partial<InfluxSinkOptions> = {}): InfluxSink {
  const created = new InfluxSink({ ...influx, retry: { initialMs: 50, maxMs: 500 }, logger, ...options });
  sinks.push(created);
  return created;
}

function devices(count: number): string[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) => `int-${run}-${i}`);
}

/** Readings in the last minutes: stores refuse points outside their retention. */
function readingsOf(deviceIds: string[], perDevice: number): Reading[] {
  const start = Date.now() - 60_000;
  return deviceIds.flatMap((deviceId) =>
    Array.from({ length: perDevice }, (_, seq) => ({
      deviceId,
      domain: 'environment' as const,
      kind: 'air-station' as const,
      siteId: 'st-int',
      ward: 'Phường Láng Thượng',
      ts: start + seq * 100,
      seq,
      receivedAt: start + seq * 100,
      metrics: { pm25: 20 + (seq % 50), pm10: 40 },
    })),
  );
}

function alertFor(reading: Reading): Alert {
  return {
    id: `pm25-high|${reading.deviceId}|${reading.ts}`,
    key: `pm25-high|${reading.deviceId}`,
    ruleId: 'pm25-high',
    ruleVersion: 1,
    ruleType: 'threshold',
    domain: 'environment',
    deviceId: reading.deviceId,
    siteId: reading.siteId,
    ward: reading.ward,
    metric: 'pm25',
    severity: 'warning',
    state: 'open',
    lastChange: 'opened',
    openedAt: reading.ts,
    updatedAt: reading.ts,
    value: 60,
    evidence: {},
    message: { vi: 'PM2.5 cao', en: 'PM2.5 high' },
  };
}

function expected(deviceIds: string[], count: number): Record<string, number> {
  return Object.fromEntries(deviceIds.map((device) => [device, count]));
}

describe(`InfluxSink on ${influx.flavour}`, () => {
  it('writes readings and alert changes the store acknowledges, countable per device', async () => {
    const ids = devices(3);
    const readings = readingsOf(ids, 200);
    const target = sink({ batchLines: 250 });
    await target.write(readings, [alertFor(readings[0])]);
    expect(target.stats()).toMatchObject({ backlog: 0, writtenLines: 601, rejectedLines: 0 });
    expect(await waitForReadingCounts(influx, expected(ids, 200))).toEqual(expected(ids, 200));
  });

  it('counts a redelivered reading once', async () => {
    const ids = devices(2);
    const readings = readingsOf(ids, 50);
    const target = sink();
    await target.write(readings, []);
    await target.write(readings.slice(0, 25), []);
    expect(await waitForReadingCounts(influx, expected(ids, 50))).toEqual(expected(ids, 50));
  });

  it('retries with back-off while the store is unreachable and catches up once it can be reached', async () => {
    const port = await freePort();
    const ids = devices(2);
    const readings = readingsOf(ids, 100);
    const target = sink({ url: `http://127.0.0.1:${port}` });
    const write = target.write(readings, []);
    const deadline = Date.now() + 10_000;
    while (target.stats().retries < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.stats()).toMatchObject({ backlog: 200, writtenLines: 0 });
    expect(target.stats().retries).toBeGreaterThanOrEqual(3);
    expect(await countReadingsPerDevice(influx, ids)).toEqual(expected(ids, 0));
    servers.push(await forward(port, new URL(influx.url)));
    await write;
    expect(target.stats()).toMatchObject({ backlog: 0, writtenLines: 200 });
    expect(await waitForReadingCounts(influx, expected(ids, 100))).toEqual(expected(ids, 100));
  });
});

/** A TCP path to the store appearing on `port`: what a store coming back looks like to the sink. */
function forward(port: number, to: URL): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connectTcp(Number(to.port), to.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
