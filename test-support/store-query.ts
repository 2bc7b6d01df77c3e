import { flux, InfluxDB } from '@influxdata/influxdb-client';
import type { InfluxEndpoint, StoreFlavour } from './services.js';

/**
 * Reads back what InfluxSink wrote (schema: store-writer/src/sink/influx/SCHEMA.md), from either
 * store. A reading is a `reading` point with a `seq` field; counts are of distinct timestamps per
 * device, so a reading written twice (redelivery) counts once in both stores — InfluxDB keeps one
 * point per series and time, VictoriaMetrics without deduplication keeps both samples.
 */
export async function countReadingsPerDevice(influx: InfluxEndpoint, devices: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(devices.map((device) => [device, 0]));
  if (devices.length === 0) return counts;
  const found = influx.flavour === 'influxdb2' ? await countInInfluxDb2(influx, devices) : await countInVictoriaMetrics(influx, devices);
  return { ...counts, ...found };
}

/**
 * Polls until every device has at least its expected count or the time is up, and returns the last
 * counts: the caller asserts equality, so missing and duplicated readings both show.
 */
export async function waitForReadingCounts(
  influx: InfluxEndpoint,
  expected: Record<string, number>,
  { timeoutMs = 30_000, intervalMs = 500 } = {},
): Promise<Record<string, number>> {
  const devices = Object.keys(expected);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await countReadingsPerDevice(influx, devices);
    if (devices.every((device) => counts[device] >= expected[device]) || Date.now() >= deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** InfluxDB 2.x answers /health with JSON naming itself; VictoriaMetrics answers "OK". */
export async function storeFlavour(url: string): Promise<StoreFlavour> {
  const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(5_000) });
  const body = await response.text();
  return body.includes('"influxdb"') ? 'influxdb2' : 'victoria-metrics';
}

async function countInInfluxDb2(influx: InfluxEndpoint, devices: readonly string[]): Promise<Record<string, number>> {
  const query = flux`from(bucket: ${influx.bucket})
    |> range(start: 1970-01-01T00:00:00Z)
    |> filter(fn: (r) => r._measurement == "reading" and r._field == "seq" and not exists r.derived)
    |> filter(fn: (r) => contains(value: r.device, set: ${[...devices]}))
    |> group(columns: ["device"])
    |> unique(column: "_time")
    |> count()`;
  const rows = await new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org).collectRows<{ device: string; _value: number }>(query);
  return Object.fromEntries(rows.map((row) => [row.device, Number(row._value)]));
}

async function countInVictoriaMetrics(influx: InfluxEndpoint, devices: readonly string[]): Promise<Record<string, number>> {
  // Fresh points become searchable only after an in-memory flush; this makes them visible at once.
  await fetch(new URL('/internal/force_flush', influx.url));
  const body = new URLSearchParams();
  // `derived=""` matches series without the label: measured readings only.
  for (const device of devices) body.append('match[]', `reading_seq{device="${device.replace(/["\\]/g, '\\$&')}",derived=""}`);
  const response = await fetch(new URL('/api/v1/export', influx.url), { method: 'POST', body });
  if (!response.ok) throw new Error(`VictoriaMetrics export answered ${response.status}: ${await response.text()}`);
  const timestamps = new Map<string, Set<number>>();
  for (const line of (await response.text()).split('\n')) {
    if (!line) continue;
    const series = JSON.parse(line) as { metric: { device: string }; timestamps: number[] };
    const seen = timestamps.get(series.metric.device) ?? new Set<number>();
    for (const timestamp of series.timestamps) seen.add(timestamp);
    timestamps.set(series.metric.device, seen);
  }
  return Object.fromEntries([...timestamps].map(([device, seen]) => [device, seen.size]));
}
