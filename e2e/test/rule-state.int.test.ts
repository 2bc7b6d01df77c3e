import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BUS_TOPICS, RuleSetSchema, type Reading } from '../../contracts/src/index.js';
import { startProcessor, type Processor } from '../../processor/src/index.js';
import { collect, kafkaBus, logger, openedAlerts, publishReadings, runId, sleep } from './support.js';

/**
 * Rule state across processor restarts and rebalances, on real Kafka: an episode under way when
 * a processor stops (PM2.5 above the limit, not yet for the rule's 5 minutes) raises its alert on
 * time on the processor that continues, once, whether that one started after a clean stop or took
 * the partitions over at a rebalance.
 */
const services = inject('services');
const run = runId();
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const RULES = RuleSetSchema.parse({
  id: 'rule-state-test',
  version: 1,
  rules: [
    {
      id: 'pm25-high',
      version: 1,
      name: { vi: 'Bụi PM2.5 cao', en: 'High PM2.5' },
      type: 'threshold',
      domain: 'environment',
      metric: 'pm25',
      direction: 'above',
      warning: 150,
      forSeconds: 300,
    },
  ],
});
const START = Date.UTC(2026, 0, 15);
const MINUTE = 60_000;

async function startInstance(prefix: string, name: string): Promise<{ processor: Processor; processed(): Promise<number> }> {
  const bus = await kafkaBus(services, prefix, `rule-state-${name}-${run}`);
  const registry = new Registry();
  // Checkpoints by the timer only every 10 minutes: what carries the state over is the one at close or at the rebalance.
  const processor = await startProcessor({ bus, logger, registry, builtInRuleSet: RULES, instanceId: `${name}-${run}`, checkpointIntervalMs: 600_000 });
  closers.push(() => bus.close(), () => processor.close());
  const processed = async () => (await registry.getSingleMetric('ioc_processor_readings_processed_total')!.get()).values[0]?.value ?? 0;
  return { processor, processed };
}

/** Every device's reading at each of `minutes`, PM2.5 above the limit from minute 40 on. */
function minutes(devices: readonly string[], from: number, to: number): Reading[] {
  const readings: Reading[] = [];
  for (let minute = from; minute < to; minute++) {
    for (const deviceId of devices) {
      const ts = START + minute * MINUTE;
      readings.push({ deviceId, domain: 'environment', kind: 'air-station', siteId: deviceId, ward: 'Phường Hoàn Kiếm', ts, seq: minute, receivedAt: Date.now(), metrics: { pm25: minute >= 40 ? 200 : 40 } });
    }
  }
  return readings;
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  for (let waited = 0; waited < timeoutMs && !(await condition()); waited += 200) await sleep(200);
  if (!(await condition())) throw new Error(`timed out waiting until ${what}`);
}

describe('rule state across processors', () => {
  it('continues an episode after a restart: the alert opens 5 minutes after the breach began, once', async () => {
    const prefix = `rule-state-restart-${run}.`;
    const devices = Array.from({ length: 6 }, (_, i) => `state-${run}-${i}`);
    const feeder = await kafkaBus(services, prefix);
    closers.push(() => feeder.close());
    const alerts = await collect(feeder, BUS_TOPICS.alerts);
    const saved = await collect(feeder, BUS_TOPICS.ruleState);

    const first = await startInstance(prefix, 'first');
    await sleep(3_000);
    await publishReadings(feeder, minutes(devices, 0, 43));
    await waitFor('the first processor has evaluated every reading', async () => (await first.processed()) >= devices.length * 43);
    await first.processor.close();
    await waitFor('every device\'s state is checkpointed', () => new Set(saved.map((record) => record.key)).size === devices.length);
    expect(saved.every((record) => /^ioc\.telemetry:[0-3]$/.test(record.headers['ioc-source-partition']))).toBe(true);
    expect(openedAlerts(alerts, new Set(devices))).toEqual([]);

    await startInstance(prefix, 'second');
    await sleep(3_000);
    await publishReadings(feeder, minutes(devices, 43, 47));
    await waitFor('every device\'s alert opens', () => openedAlerts(alerts, new Set(devices)).length >= devices.length);
    await sleep(2_000);
    const opened = openedAlerts(alerts, new Set(devices));
    expect(opened.map((alert) => alert.deviceId).sort()).toEqual([...devices].sort());
    expect(new Set(opened.map((alert) => alert.openedAt))).toEqual(new Set([START + 45 * MINUTE]));
  }, 90_000);

  it('hands the state of the partitions it loses at a rebalance to the instance that joins', async () => {
    const prefix = `rule-state-rebalance-${run}.`;
    const devices = Array.from({ length: 12 }, (_, i) => `moved-${run}-${i}`);
    const feeder = await kafkaBus(services, prefix);
    closers.push(() => feeder.close());
    const alerts = await collect(feeder, BUS_TOPICS.alerts);
    const saved = await collect(feeder, BUS_TOPICS.ruleState);

    const first = await startInstance(prefix, 'first');
    await sleep(3_000);
    await publishReadings(feeder, minutes(devices, 0, 43));
    await waitFor('the first processor has evaluated every reading', async () => (await first.processed()) >= devices.length * 43);
    expect(saved).toEqual([]);

    // A second instance joins the group: the first checkpoints the devices of the partitions it hands over.
    const second = await startInstance(prefix, 'second');
    await waitFor('the handed-over devices are checkpointed', () => saved.length > 0, 20_000);
    await sleep(3_000);
    await publishReadings(feeder, minutes(devices, 43, 47));
    await waitFor('every device\'s alert opens', () => openedAlerts(alerts, new Set(devices)).length >= devices.length);
    await sleep(2_000);

    expect(await second.processed()).toBeGreaterThan(0);
    const opened = openedAlerts(alerts, new Set(devices));
    expect(opened.map((alert) => alert.deviceId).sort()).toEqual([...devices].sort());
    expect(new Set(opened.map((alert) => alert.openedAt))).toEqual(new Set([START + 45 * MINUTE]));
  }, 90_000);
});
