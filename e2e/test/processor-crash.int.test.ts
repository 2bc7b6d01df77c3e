import { afterAll, describe, expect, inject, it } from 'vitest';
import { BUS_TOPICS, type Alert } from '../../contracts/src/index.js';
import type { KafkaBus } from '../../platform/src/index.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { defaultRuleSet } from '../../rule-core/src/index.js';
import { waitForReadingCounts } from '../../test-support/store-query.js';
import { airReadings, collect, kafkaBus, metricValue, openedAlerts, publishReadings, runId, sleep, startPart, type PartProcess } from './support.js';

/**
 * A processor killed with SIGKILL in the middle of a stream of 10,000 readings, then started
 * again: every reading reaches the store (counted per device) and every alert opens once, with the
 * id a single uninterrupted run gives it. The new process waits for Kafka to drop the dead
 * member (the 30 s session timeout) before it gets the partitions back.
 */
const services = inject('services');
const run = runId();
const env = { KAFKA_TOPIC_PREFIX: `crash-${run}.`, KAFKA_TELEMETRY_PARTITIONS: '4' };
const parts: PartProcess[] = [];
let bus: KafkaBus;

afterAll(async () => {
  for (const part of parts) await part.stop('SIGKILL');
  await bus?.close();
});

describe('a processor killed mid-stream', () => {
  it('loses no reading and opens no alert twice once restarted', async () => {
    bus = await kafkaBus(services, env.KAFKA_TOPIC_PREFIX);
    const alerts = await collect(bus, BUS_TOPICS.alerts);
    const devices = Array.from({ length: 20 }, (_, i) => `crash-${run}-${i}`);
    const readings = airReadings(devices, 500);
    expect(readings).toHaveLength(10_000);

    const reference = new RuleEngine(defaultRuleSet());
    const expectedOpened = readings.flatMap((reading) => reference.onReading(reading)).filter((alert) => alert.lastChange === 'opened');
    expect(expectedOpened.length).toBeGreaterThan(100);

    const first = await startPart('processor/src/main.ts', services, env, 'PROCESSOR_PORT');
    parts.push(first);
    // 200 readings every 50 ms: the stream lasts about 2.5 s; the kill comes after about 3,000 were evaluated.
    const streaming = (async () => {
      for (let i = 0; i < readings.length; i += 200) {
        await publishReadings(bus, readings.slice(i, i + 200));
        await sleep(50);
      }
    })();
    let processedAtKill = 0;
    for (let polls = 0; polls < 600; polls++) {
      processedAtKill = metricValue(await first.metrics(), 'ioc_processor_readings_processed_total');
      if (processedAtKill >= 3_000) break;
      await sleep(20);
    }
    await first.stop('SIGKILL');
    await streaming;
    expect(processedAtKill).toBeGreaterThanOrEqual(3_000);
    expect(processedAtKill).toBeLessThan(10_000);

    parts.push(await startPart('processor/src/main.ts', services, env, 'PROCESSOR_PORT'));
    const counts = await waitForReadingCounts(services.influx, Object.fromEntries(devices.map((device) => [device, 500])), { timeoutMs: 90_000 });
    expect(counts).toEqual(Object.fromEntries(devices.map((device) => [device, 500])));

    const ours = new Set(devices);
    const perKey = (list: readonly Alert[]) => list.reduce((counts, alert) => counts.set(alert.key, (counts.get(alert.key) ?? 0) + 1), new Map<string, number>());
    for (let waited = 0; waited < 20_000 && openedAlerts(alerts, ours).length < expectedOpened.length - devices.length; waited += 200) await sleep(200);
    await sleep(1_000);
    const expectedPerKey = perKey(expectedOpened);
    // Alerts of the measured readings' rules; hourly averages the processor derives raise others.
    const opened = openedAlerts(alerts, ours).filter((alert) => expectedPerKey.has(alert.key));
    expect(new Set(opened.map((alert) => alert.id)).size).toBe(opened.length);
    for (const [key, count] of perKey(opened)) expect(count, key).toBeLessThanOrEqual(expectedPerKey.get(key) ?? 0);
    // The engine's state of a breach still short of its 5 minutes at the crash is not kept: that alert
    // opens later, or not at all if the breach ends too soon. At most one per device.
    expect(opened.length).toBeGreaterThanOrEqual(expectedOpened.length - devices.length);
    const sameAsOneRun = opened.filter((alert) => expectedOpened.some((expected) => expected.id === alert.id)).length;
    expect(sameAsOneRun).toBeGreaterThanOrEqual(expectedOpened.length - devices.length);
  }, 180_000);
});
