import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type Alert, type BusTopic, type RuleSetInput } from '../../contracts/src/index.js';
import { InProcessBus, createLogger, type BusRecord } from '../../platform/src/index.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import { AlertPublisher } from '../src/alert-publisher.js';
import { AlertRefresh } from '../src/alert-refresh.js';
import { createProcessorMetrics } from '../src/metrics.js';
import { Outbox } from '../src/outbox.js';
import { Timers } from '../src/timers.js';
import { MINUTE, T0, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');
/** Silent after max(3 × the interval, 2 minutes); no grace after a start. */
const SILENCE: RuleSetInput['rules'][number] = {
  id: 'silent',
  version: 1,
  name: { vi: 'Mất dữ liệu', en: 'No data' },
  type: 'missing-data',
  domain: 'environment',
  intervalMultiplier: 3,
  minIntervalSeconds: 120,
  startupGraceSeconds: 0,
};

/** A bus that refuses alert publishes while `refusing`. */
class FlakyBus extends InProcessBus {
  refusing = false;

  override async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    if (topic === BUS_TOPICS.alerts && this.refusing) throw new Error('LEADER_NOT_AVAILABLE');
    return super.publish(topic, records);
  }
}

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

describe('timers', () => {
  it('reports a silent device on the tick, and delivers on a later tick what the bus refused', async () => {
    const bus = new FlakyBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const published: Alert[] = [];
    await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => void published.push(...records.map((record) => record.value)));
    const engine = new RuleEngine(ruleSet([SILENCE]));
    for (let minute = 0; minute < 5; minute++) engine.onReading(readingAt(minute, { pm25: 30 }));
    let now = T0 + 5 * MINUTE;
    const timers = new Timers({
      bus,
      engine,
      publisher: new AlertPublisher(new Outbox(bus), engine, createProcessorMetrics(new Registry())),
      refresh: new AlertRefresh(),
      checkpoint: () => Promise.resolve(),
      logger,
      clock: () => now,
      tickIntervalMs: 60_000,
      checkpointIntervalMs: 60_000,
    });

    await timers.tick();
    expect(engine.openAlertCount).toBe(0);
    bus.refusing = true;
    now = T0 + 10 * MINUTE;
    await timers.tick();
    expect(engine.openAlertCount).toBe(1);
    bus.refusing = false;
    await timers.tick();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(published.map((alert) => [alert.ruleId, alert.lastChange])).toEqual([['silent', 'opened']]);
  });
});
