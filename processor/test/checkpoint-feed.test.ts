import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type Alert } from '../../contracts/src/index.js';
import { InProcessBus, createLogger, type DeliveredRecord } from '../../platform/src/index.js';
import { Derivations, RuleEngine } from '../../rule-core/src/index.js';
import { CheckpointFeed } from '../src/checkpoint-feed.js';
import { createProcessorMetrics } from '../src/metrics.js';
import { MINUTE, PM25_RULE, T0, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');
const RULES = ruleSet([PM25_RULE]);

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

/** One processor instance's engine and checkpoints, on the shared bus. */
async function instance(bus: InProcessBus, name: string) {
  const engine = new RuleEngine(RULES);
  const registry = new Registry();
  const feed = new CheckpointFeed({ bus, engine, derivations: new Derivations(), logger, metrics: createProcessorMetrics(registry), groupId: `checkpoints-${name}`, clock: Date.now });
  await feed.start();
  stop.push(() => feed.stop());
  /** Evaluates PM2.5 readings of the minutes given, as read from telemetry partition 0. */
  const evaluate = (minutes: number[], pm25: number): Alert[] =>
    minutes.flatMap((minute) => {
      const reading = readingAt(minute, { pm25 });
      feed.noteReading(reading, 0);
      return [...engine.onReading(reading)];
    });
  const restored = async () => (await registry.getSingleMetric('ioc_processor_rule_states_restored_total')!.get()).values[0]?.value ?? 0;
  return { engine, feed, evaluate, restored };
}

describe('checkpoint feed', () => {
  it('hands the rule state of a partition lost at a rebalance to its new owner, so the episode continues there', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const saved: Array<DeliveredRecord<typeof BUS_TOPICS.ruleState>> = [];
    await bus.consume(BUS_TOPICS.ruleState, { groupId: 'observer' }, async (records) => void saved.push(...records));

    const first = await instance(bus, 'first');
    first.feed.assign(BUS_TOPICS.telemetry, [0]);
    expect(first.evaluate([0, 1, 2], 200)).toEqual([]);
    const second = await instance(bus, 'second');
    second.feed.assign(BUS_TOPICS.telemetry, [0]);

    // The partition moves: the first instance checkpoints what it learned from it, one last time.
    first.feed.assign(BUS_TOPICS.telemetry, []);
    await until('the last checkpoint is on the bus', () => saved.length === 1);
    expect(saved[0]).toMatchObject({ key: 'AQ-HK-01', headers: { 'ioc-source-partition': 'ioc.telemetry:0' } });
    expect(first.engine.checkpoint('AQ-HK-01', 0)).toBeUndefined();

    // It arrives after the second instance was given the partition, which restores it then.
    await until('the second instance has restored it', () => second.engine.checkpoint('AQ-HK-01', 0)?.streams[0].lastTs === T0 + 2 * MINUTE);
    expect(await second.restored()).toBe(1);
    expect(second.evaluate([3, 4], 200)).toEqual([]);
    expect(second.evaluate([5], 200)).toMatchObject([{ lastChange: 'opened', openedAt: T0 + 5 * MINUTE }]);
  });

  it('restores at assignment the checkpoints read at start, and publishes the state and the device checkpoints it took', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const first = await instance(bus, 'first');
    first.feed.assign(BUS_TOPICS.telemetry, [0]);
    first.evaluate([0, 1, 2], 200);
    const taken = first.feed.take();
    expect(taken.ruleState.map(({ checkpoint, source }) => [checkpoint.deviceId, source])).toEqual([['AQ-HK-01', 'ioc.telemetry:0']]);
    expect(taken.devices.map((device) => device.deviceId)).toEqual(['AQ-HK-01']);
    await first.feed.publish(taken);
    expect(first.feed.take()).toEqual({ devices: [], ruleState: [] });

    const restarted = await instance(bus, 'restarted');
    expect(restarted.engine.checkpoint('AQ-HK-01', 0)).toBeUndefined();
    restarted.feed.assign(BUS_TOPICS.telemetry, [0]);
    expect(restarted.evaluate([3, 4, 5], 200).map((alert) => alert.openedAt)).toEqual([T0 + 5 * MINUTE]);
  });
});
