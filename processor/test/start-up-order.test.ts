import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, RuleSetSchema, type Alert, type BusTopic } from '../../contracts/src/index.js';
import { InProcessBus, createLogger, type BatchHandler, type ConsumeOptions, type Subscription } from '../../platform/src/index.js';
import { startProcessor, type Processor } from '../src/processor.js';
import { PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');

/** An in-process bus that notes when each topic is followed or read to its end, and can hold a read back. */
class WatchedBus extends InProcessBus {
  readonly calls: string[] = [];
  private readonly held = new Map<BusTopic, Promise<void>>();

  constructor() {
    super({ retryDelayMs: 10, logger });
  }

  /** Holds the next reads of `topic` to its end back until the returned function is called. */
  hold(topic: BusTopic): () => void {
    let release!: () => void;
    this.held.set(topic, new Promise<void>((resolve) => (release = resolve)));
    return release;
  }

  override consume<T extends BusTopic>(topic: T, options: ConsumeOptions, handler: BatchHandler<T>): Promise<Subscription> {
    this.calls.push(`follow ${topic}`);
    return super.consume(topic, options, handler);
  }

  override async readToEnd<T extends BusTopic>(topic: T, handler: BatchHandler<T>): Promise<void> {
    await this.held.get(topic);
    await super.readToEnd(topic, handler);
    this.calls.push(`read ${topic}`);
  }
}

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

const INSTANT_PM25 = { ...PM25_RULE, forSeconds: 0 };
/** A department's set already on the bus; the built-in set given to the processor has no PM2.5 rule. */
const DEPARTMENT = RuleSetSchema.parse({ id: 'environment-dept', version: 3, rules: [INSTANT_PM25] });
const BUILT_IN = ruleSet([{ ...PM25_RULE, id: 'pm10', metric: 'pm10' }]);

async function begin(bus: WatchedBus) {
  const alerts: Alert[] = [];
  await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => void alerts.push(...records.map((record) => record.value)));
  bus.calls.length = 0;
  const starting = startProcessor({ bus, logger, registry: new Registry(), builtInRuleSet: BUILT_IN, tickIntervalMs: 50, instanceId: 'order' });
  stop.push(() => bus.close(), () => starting.then((processor) => processor.close()));
  return { alerts, starting };
}

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

describe('processor start-up order', () => {
  it('follows telemetry only once rule sets, open alerts and device checkpoints are read to their end', async () => {
    const bus = new WatchedBus();
    const { starting } = await begin(bus);
    const processor: Processor = await starting;

    const at = (call: string) => bus.calls.indexOf(call);
    expect(at(`follow ${BUS_TOPICS.telemetry}`)).toBeGreaterThan(at(`read ${BUS_TOPICS.rules}`));
    expect(at(`read ${BUS_TOPICS.rules}`)).toBeLessThan(at(`read ${BUS_TOPICS.alerts}`));
    expect(at(`follow ${BUS_TOPICS.telemetry}`)).toBeGreaterThan(at(`read ${BUS_TOPICS.alerts}`));
    expect(at(`follow ${BUS_TOPICS.telemetry}`)).toBeGreaterThan(at(`read ${BUS_TOPICS.devices}`));
    expect(processor.startup.map(({ phase }) => phase)).toEqual(['rule sets', 'open alerts', 'checkpoints', 'telemetry', 'timers']);
  });

  it.each([BUS_TOPICS.rules, BUS_TOPICS.alerts, BUS_TOPICS.devices])('does not consume telemetry while %s is still being read', async (topic) => {
    const bus = new WatchedBus();
    await bus.publish(BUS_TOPICS.rules, [{ key: DEPARTMENT.id, value: DEPARTMENT }]);
    const release = bus.hold(topic);
    const { alerts, starting } = await begin(bus);
    // Let go before closing too, should an expectation below fail while the read is held.
    stop.push(async () => release());
    let started = false;
    void starting.then(() => (started = true));

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bus.calls).not.toContain(`follow ${BUS_TOPICS.telemetry}`);
    expect(started).toBe(false);

    release();
    await starting;
    const reading = readingAt(0, { pm25: 200 });
    await bus.publish(BUS_TOPICS.telemetry, [{ key: reading.deviceId, value: reading }]);
    // The department's set read from the bus is in force; the built-in one was not published over it.
    await until('the alert is published', () => alerts.length === 1);
    expect(alerts[0]).toMatchObject({ ruleSetId: DEPARTMENT.id, ruleId: 'pm25', lastChange: 'opened' });
  });
});
