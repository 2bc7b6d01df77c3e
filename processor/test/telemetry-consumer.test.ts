import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type BusTopic } from '../../contracts/src/index.js';
import { InProcessBus, createLogger, type BusRecord } from '../../platform/src/index.js';
import { Derivations, RuleEngine } from '../../rule-core/src/index.js';
import { AlertPublisher } from '../src/alert-publisher.js';
import { CheckpointFeed } from '../src/checkpoint-feed.js';
import { createProcessorMetrics } from '../src/metrics.js';
import { Outbox } from '../src/outbox.js';
import { TelemetryConsumer } from '../src/telemetry-consumer.js';
import { PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');

/** A bus whose alert publishes wait while `held`, and fail while `refusing`. */
class AlertsBus extends InProcessBus {
  held: Promise<void> | undefined;
  refusing = false;
  /** Alerts the bus has taken. */
  alerts = 0;

  constructor() {
    super({ retryDelayMs: 20, logger });
  }

  override async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    if (topic === BUS_TOPICS.alerts) {
      await this.held;
      if (this.refusing) throw new Error('NOT_ENOUGH_REPLICAS');
    }
    await super.publish(topic, records);
    if (topic === BUS_TOPICS.alerts) this.alerts += records.length;
  }
}

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

async function start() {
  const bus = new AlertsBus();
  const engine = new RuleEngine(ruleSet([{ ...PM25_RULE, forSeconds: 0 }]));
  const derivations = new Derivations();
  const publisher = new AlertPublisher(new Outbox(bus), engine, createProcessorMetrics(new Registry()));
  const checkpoints = new CheckpointFeed({ bus, engine, derivations, logger, metrics: createProcessorMetrics(new Registry()), groupId: 'checkpoints', clock: Date.now });
  const consumer = new TelemetryConsumer({ bus, engine, derivations, publisher, checkpoints, metrics: createProcessorMetrics(new Registry()), clock: Date.now });
  await consumer.start();
  stop.push(() => bus.close(), () => consumer.stop());
  const send = (minute: number, pm25: number) => bus.publish(BUS_TOPICS.telemetry, [{ key: 'AQ-HK-01', value: readingAt(minute, { pm25 }) }]);
  return { bus, engine, consumer, send };
}

describe('telemetry consumer', () => {
  it('takes a checkpoint only once the batch in hand has its alert changes on the bus', async () => {
    const { bus, engine, consumer, send } = await start();
    let release!: () => void;
    bus.held = new Promise<void>((resolve) => (release = resolve));
    await send(0, 200);
    await until('the reading is evaluated', () => engine.openAlertCount === 1);

    let seen: number | undefined;
    const taking = consumer.settled(() => (seen = bus.alerts));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toBeUndefined();

    release();
    await taking;
    expect(seen).toBe(1);
  });

  it('refuses to take a checkpoint while the bus refuses the alert changes it would cover', async () => {
    const { bus, engine, consumer, send } = await start();
    bus.refusing = true;
    await send(0, 200);
    await until('the reading is evaluated', () => engine.openAlertCount === 1);

    let taken = false;
    await expect(consumer.settled(() => (taken = true))).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    expect(taken).toBe(false);

    bus.refusing = false;
    await consumer.settled(() => (taken = true));
    expect(taken).toBe(true);
  });
});
