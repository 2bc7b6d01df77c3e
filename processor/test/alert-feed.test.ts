import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, acknowledgeAlert, type Alert } from '../../contracts/src/index.js';
import { InProcessBus, createLogger } from '../../platform/src/index.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { AlertFeed } from '../src/alert-feed.js';
import { AlertPublisher } from '../src/alert-publisher.js';
import { AlertRefresh } from '../src/alert-refresh.js';
import { createProcessorMetrics } from '../src/metrics.js';
import { Outbox } from '../src/outbox.js';
import { PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');
const RULES = ruleSet([{ ...PM25_RULE, forSeconds: 0 }]);

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

describe('alert feed', () => {
  it('rebuilds the open alerts from the bus, so a breach that goes on, or a reading delivered again, announces nothing new', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    // Raised by an instance that has stopped since.
    const [opened] = new RuleEngine(RULES).onReading(readingAt(0, { pm25: 200 }));
    await bus.publish(BUS_TOPICS.alerts, [{ key: opened.key, value: opened }]);

    const engine = new RuleEngine(RULES);
    const publisher = new AlertPublisher(new Outbox(bus), engine, createProcessorMetrics(new Registry()));
    const feed = new AlertFeed({ bus, engine, publisher, refresh: new AlertRefresh(), metrics: createProcessorMetrics(new Registry()), groupId: 'alerts-test', clock: Date.now });
    await feed.start();
    stop.push(() => feed.stop());

    const published: Alert[] = [];
    await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => void published.push(...records.map((record) => record.value)));
    publisher.add(engine.onReading(readingAt(0, { pm25: 200 })));
    publisher.add(engine.onReading(readingAt(1, { pm25: 210 })));
    await publisher.publish();
    expect(engine.openAlerts().map((alert) => alert.id)).toEqual([opened.id]);

    // An operator's acknowledgement, read live.
    const acknowledged = acknowledgeAlert(opened, 'operator.an', opened.updatedAt + 1, 'crew sent');
    await bus.publish(BUS_TOPICS.alerts, [{ key: acknowledged.key, value: acknowledged }]);
    await until('the acknowledgement is applied', () => engine.openAlerts()[0]?.state === 'acknowledged');
    expect(published).toEqual([acknowledged]);
  });
});
