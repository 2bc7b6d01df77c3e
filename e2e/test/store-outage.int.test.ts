import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BUS_TOPICS } from '../../contracts/src/index.js';
import type { KafkaBus } from '../../platform/src/index.js';
import { waitForReadingCounts } from '../../test-support/store-query.js';
import { ROOT, airReadings, collect, kafkaBus, metricValue, openedAlerts, publishReadings, runId, sleep, startPart, type PartProcess } from './support.js';

/**
 * The time-series store (the local VictoriaMetrics of scripts/services) stopped for 30 s while
 * readings keep coming: alerts keep flowing, the backlog shows in /metrics, and once the store is
 * back every reading is in it. Needs the local services (ctl.sh); skipped when the store is
 * another one (a container or a remote InfluxDB).
 */
const services = inject('services');
const run = runId();
const env = { KAFKA_TOPIC_PREFIX: `outage-${run}.`, KAFKA_TELEMETRY_PARTITIONS: '4' };
const parts: PartProcess[] = [];
let bus: KafkaBus;
const ctl = (...args: string[]) => promisify(execFile)('bash', [`${ROOT}scripts/services/ctl.sh`, ...args], { timeout: 120_000 });
const localStore = await ctl('status').then(
  ({ stdout }) => services.influx.flavour === 'victoria-metrics' && stdout.includes(`victoria-metrics running`) && stdout.includes(`port=${new URL(services.influx.url).port}`),
  () => false,
);

afterAll(async () => {
  for (const part of parts) await part.stop('SIGKILL');
  await bus?.close();
});

describe.skipIf(!localStore)('the time-series store down for 30 seconds under load', () => {
  it('keeps alerting, shows the backlog, and loses no reading', async () => {
    bus = await kafkaBus(services, env.KAFKA_TOPIC_PREFIX);
    const alerts = await collect(bus, BUS_TOPICS.alerts);
    const devices = Array.from({ length: 10 }, (_, i) => `outage-${run}-${i}`);
    const ours = new Set(devices);
    // 100 readings a second for 45 s (50 every 500 ms): each device opens an alert every 4 s.
    const readings = airReadings(devices, 450);
    const processor = await startPart('processor/src/main.ts', services, env, 'PROCESSOR_PORT');
    parts.push(processor);

    let streamed = 0;
    const streaming = (async () => {
      for (; streamed < readings.length; streamed += 50) {
        await publishReadings(bus, readings.slice(streamed, streamed + 50));
        await sleep(500);
      }
    })();
    await sleep(5_000);
    await ctl('stop', 'victoria-metrics');
    const backlogs: number[] = [];
    let openedDuringOutage = 0;
    try {
      const openedAtStop = openedAlerts(alerts, ours).length;
      for (let second = 0; second < 30; second++) {
        await sleep(1_000);
        backlogs.push(metricValue(await processor.metrics(), 'ioc_store_writer_backlog'));
      }
      openedDuringOutage = openedAlerts(alerts, ours).length - openedAtStop;
    } finally {
      await ctl('start', 'victoria-metrics');
    }
    await streaming;

    expect(openedDuringOutage).toBeGreaterThan(20);
    expect(Math.max(...backlogs)).toBeGreaterThan(0);
    const expected = Object.fromEntries(devices.map((device) => [device, 450]));
    expect(await waitForReadingCounts(services.influx, expected, { timeoutMs: 90_000 })).toEqual(expected);
    let backlogAfter = NaN;
    for (let polls = 0; polls < 50 && backlogAfter !== 0; polls++, await sleep(200)) backlogAfter = metricValue(await processor.metrics(), 'ioc_store_writer_backlog');
    expect(backlogAfter).toBe(0);
  }, 240_000);
});
