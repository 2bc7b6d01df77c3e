import { InfluxDB, flux } from '@influxdata/influxdb-client';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Reading } from '../../../contracts/src/index.js';
import { createLogger } from '../../../platform/src/index.js';
import { InfluxSink } from '../../src/sink/influx/index.js';
import { startInfluxDb2 } from '../../../test-support/containers.js';
import type { InfluxEndpoint } from '../../../test-support/services.js';
import { dockerAvailable } from '../../../test-support/services.js';
import { waitForReadingCounts } from '../../../test-support/store-query.js';

/**
 * InfluxSink against a real InfluxDB 2.x in a container, onboarded with org, bucket and token
 * through the image's environment. InfluxDB 2.x cannot be installed on machines without Docker;
 * there this file is skipped and the sink is covered against VictoriaMetrics instead.
 */
const docker = await dockerAvailable();

describe.skipIf(!docker)(`InfluxSink on a real InfluxDB 2.x${docker ? '' : ' (skipped: Docker is not available, `docker info` failed)'}`, () => {
  let container: StartedTestContainer;
  let influx: InfluxEndpoint;
  let sink: InfluxSink;

  beforeAll(async () => {
    ({ container, endpoint: influx } = await startInfluxDb2());
    sink = new InfluxSink({ ...influx, logger: createLogger('influxdb2-test', 'silent') });
  });

  afterAll(async () => {
    await sink?.close();
    await container?.stop();
  });

  const now = Date.now();
  const readings: Reading[] = ['lamp-1', 'lamp-2'].flatMap((deviceId) =>
    Array.from({ length: 30 }, (_, seq) => ({
      deviceId,
      domain: 'lighting' as const,
      kind: 'lamp' as const,
      siteId: 'cab-7',
      ward: 'Phường Cửa Nam',
      ts: now - 60_000 + seq * 1000,
      seq,
      receivedAt: now,
      metrics: { power: 95.5, voltage: 228 },
      powerState: 'on' as const,
    })),
  );
  const alert: Alert = {
    id: 'lamp-voltage|lamp-1|1',
    key: 'lamp-voltage|lamp-1',
    ruleId: 'lamp-voltage',
    ruleVersion: 3,
    ruleType: 'threshold',
    domain: 'lighting',
    deviceId: 'lamp-1',
    siteId: 'cab-7',
    ward: 'Phường Cửa Nam',
    metric: 'voltage',
    severity: 'critical',
    state: 'open',
    lastChange: 'opened',
    openedAt: now - 1000,
    updatedAt: now - 1000,
    value: 262,
    evidence: {},
    message: { vi: 'Điện áp cao', en: 'Voltage high' },
  };

  it('writes readings that Flux counts per device, once even when written twice', async () => {
    await sink.write(readings, []);
    await sink.write(readings.slice(0, 10), []);
    expect(await waitForReadingCounts(influx, { 'lamp-1': 30, 'lamp-2': 30 }, { timeoutMs: 10_000 })).toEqual({ 'lamp-1': 30, 'lamp-2': 30 });
  });

  it('keeps string fields: the alert id and the lamp power state', async () => {
    await sink.write([], [alert]);
    const rows = await new InfluxDB({ url: influx.url, token: influx.token })
      .getQueryApi(influx.org)
      .collectRows<{ _field: string; _value: string }>(
        flux`from(bucket: ${influx.bucket}) |> range(start: -1h) |> filter(fn: (r) => r._measurement == "alert" and r.rule == "lamp-voltage" and (r._field == "id" or r._field == "messageVi"))`,
      );
    expect(Object.fromEntries(rows.map((row) => [row._field, row._value]))).toEqual({ id: alert.id, messageVi: 'Điện áp cao' });
    const states = await new InfluxDB({ url: influx.url, token: influx.token })
      .getQueryApi(influx.org)
      .collectRows<{ _value: string }>(
        flux`from(bucket: ${influx.bucket}) |> range(start: -1h) |> filter(fn: (r) => r._measurement == "reading" and r.device == "lamp-2" and r._field == "powerState") |> distinct()`,
      );
    expect(states.map((row) => row._value)).toEqual(['on']);
  });
});
