import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, acknowledgeAlert, mergeAlert, resolveAlert, type Alert, type Reading, type RuleSet } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { startProcessor, type Processor } from '../src/processor.js';
import { LocalSink, startStoreWriter } from '../../store-writer/src/index.js';
import type { TimeSeriesSink } from '../../store-writer/src/index.js';
import { AIR_STATION, PM25_RULE, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');
const INSTANT_PM25 = ruleSet([{ ...PM25_RULE, forSeconds: 0 }]);

/** A store that is down for its first `failures` writes, then writes to the real local sink. */
class StoreOutage implements TimeSeriesSink {
  attempts = 0;

  constructor(
    readonly inner: LocalSink,
    private failures: number,
  ) {}

  async write(readings: readonly Reading[], alerts: readonly Alert[]) {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('store unavailable');
    }
    await this.inner.write(readings, alerts);
  }

  backlog() {
    return this.inner.backlog();
  }

  isFull() {
    return false;
  }

  whenDrained() {
    return Promise.resolve();
  }

  close() {
    return this.inner.close();
  }
}

/** A store that acknowledges nothing until it comes back; full at `limit` unacknowledged items. */
class StoreDown implements TimeSeriesSink {
  readonly inner = new LocalSink();
  private held: Array<() => Promise<void>> = [];
  private waiting = 0;
  private drained: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  private up = false;

  write(readings: readonly Reading[], alerts: readonly Alert[]) {
    if (this.up) return this.inner.write(readings, alerts);
    this.waiting += readings.length + alerts.length;
    return new Promise<void>((resolve) => {
      this.held.push(async () => {
        await this.inner.write(readings, alerts);
        this.waiting -= readings.length + alerts.length;
        resolve();
      });
    });
  }

  async comeBack() {
    this.up = true;
    while (this.held.length > 0) for (const write of this.held.splice(0)) await write();
    this.drained.splice(0).forEach((wake) => wake());
  }

  backlog() {
    return this.waiting;
  }

  isFull() {
    return this.waiting >= this.limit;
  }

  whenDrained() {
    return this.isFull() ? new Promise<void>((resolve) => this.drained.push(resolve)) : Promise.resolve();
  }

  close() {
    return this.inner.close();
  }
}

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function start(sink: TimeSeriesSink, rules: RuleSet = INSTANT_PM25, clock: () => number = Date.now) {
  const bus = new InProcessBus({ retryDelayMs: 10, logger });
  const registry = new Registry();
  const published: Alert[] = [];
  await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => {
    for (const record of records) published.push(record.value);
  });
  const processor: Processor = await startProcessor({ bus, logger, registry, builtInRuleSet: rules, tickIntervalMs: 50, clock });
  const storeWriter = await startStoreWriter({ bus, logger, registry, sink });
  stop.push(() => bus.close(), () => processor.close(), () => storeWriter.close());
  const send = (readings: Reading[]) => bus.publish(BUS_TOPICS.telemetry, readings.map((reading) => ({ key: reading.deviceId, value: reading })));
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;
  return { bus, processor, published, send, metric };
}

const OTHER_STATION = { ...AIR_STATION, deviceId: 'AQ-BD-01', siteId: 'AQ-BD-01', ward: 'Phường Ba Đình' };

describe('processor', () => {
  it('publishes the alerts readings cause and stores readings and alerts in the sink', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ioc-processor-'));
    stop.push(() => rm(directory, { recursive: true, force: true }));
    const sink = new LocalSink({ directory });
    const { published, send, metric } = await start(sink);

    await send([0, 1, 2, 3, 4].flatMap((minute) => [readingAt(minute, { pm25: minute < 2 ? 40 : 190 }), readingAt(minute, { pm25: 30 }, OTHER_STATION)]));
    await until('the sink holds all 10 readings', () => sink.recentReadings().length === 10);

    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ deviceId: AIR_STATION.deviceId, lastChange: 'opened', severity: 'warning', value: 190 });
    expect(sink.recentAlerts()).toEqual(published);
    const files = (await readdir(directory)).sort();
    expect(files).toEqual(['alerts-2025-06-01.ndjson', 'readings-2025-06-01.ndjson']);
    const storedReadings = (await readFile(join(directory, files[1]), 'utf8')).trim().split('\n');
    expect(storedReadings).toHaveLength(10);
    expect(await metric('ioc_processor_readings_processed_total')).toMatchObject([{ value: 10 }]);
    expect(await metric('ioc_processor_alert_changes_total')).toMatchObject([{ labels: { change: 'opened' }, value: 1 }]);
  });

  it('redelivers a batch the sink failed to store, losing no reading and opening no second alert', async () => {
    const outage = new StoreOutage(new LocalSink(), 2);
    const { published, send, metric } = await start(outage);

    await send(Array.from({ length: 20 }, (_, minute) => readingAt(minute, { pm25: minute >= 10 ? 200 : 50 })));
    await until('the sink holds the readings and the alert', () => outage.inner.recentReadings().length >= 20 && outage.inner.recentAlerts().length >= 1);

    const stored = outage.inner.recentReadings();
    expect(new Set(stored.map((reading) => reading.seq)).size).toBe(20);
    expect(stored).toHaveLength(20);
    expect(published.map((alert) => alert.lastChange)).toEqual(['opened']);
    expect(outage.inner.recentAlerts()).toEqual(published);
    expect(await metric('ioc_store_writer_write_errors_total')).toMatchObject([{ value: 2 }]);
  });

  it('keeps alerting while the store is down, pauses storing once its backlog is full, and stores everything when it returns', async () => {
    const store = new StoreDown(5);
    const { published, send, metric } = await start(store);

    await send([readingAt(0, { pm25: 40 }), readingAt(1, { pm25: 45 }), readingAt(2, { pm25: 50 }), readingAt(3, { pm25: 55 }), readingAt(4, { pm25: 60 })]);
    await until('the store writer pauses', () => store.backlog() === 5);
    await send([readingAt(5, { pm25: 200 }), readingAt(6, { pm25: 210 })]);
    await until('the alert is published while the store is down', () => published.length === 1);
    expect(await metric('ioc_store_writer_paused')).toMatchObject([{ value: 1 }]);
    expect(await metric('ioc_store_writer_backlog')).toMatchObject([{ value: 5 }]);
    expect(store.inner.recentReadings()).toEqual([]);

    await store.comeBack();
    await until('every reading and the alert are stored', () => store.inner.recentReadings().length === 7 && store.inner.recentAlerts().length === 1);
    expect(await metric('ioc_store_writer_paused')).toMatchObject([{ value: 0 }]);
    expect(await metric('ioc_store_writer_readings_total')).toMatchObject([{ value: 7 }]);
  });

  it('starts a new alert after an operator resolves one whose breach persists', async () => {
    const sink = new LocalSink();
    const { bus, processor, published, send } = await start(sink);
    await send([readingAt(0, { pm25: 200 })]);
    await until('the alert is published', () => published.length === 1);

    const resolved = resolveAlert(published[0], 'operator.an', Date.now(), 'inspected');
    await bus.publish(BUS_TOPICS.alerts, [{ key: resolved.key, value: resolved }]);
    await until('the processor lets the alert go', () => processor.engine.openAlertCount === 0);

    await send([readingAt(1, { pm25: 210 })]);
    await until('a new alert is published', () => published.length === 3);
    expect(published[2]).toMatchObject({ lastChange: 'opened', state: 'open', value: 210 });
    expect(published[2].id).not.toBe(published[0].id);
  });

  it('writes an alert unresolved for 30 days again, as it stands, before ioc.alerts ages its records out', async () => {
    const DAY = 86_400_000;
    let now = Date.now();
    const { bus, published, send } = await start(new LocalSink(), INSTANT_PM25, () => now);
    await send([readingAt(0, { pm25: 200 })]);
    await until('the alert is published', () => published.length === 1);
    const acknowledged = acknowledgeAlert(published[0], 'operator.an', now, 'crew sent');
    await bus.publish(BUS_TOPICS.alerts, [{ key: acknowledged.key, value: acknowledged }]);
    await until('the acknowledgement is on the bus', () => published.length === 2);

    now += 29 * DAY;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(published).toHaveLength(2);
    now += 2 * DAY;
    await until('the alert is written again', () => published.length === 3);
    expect(published[2]).toEqual(mergeAlert(published[0], acknowledged));
    now += 1 * DAY;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(published).toHaveLength(3);
  });

  it('swaps in a rule set published on ioc.rules', async () => {
    const sink = new LocalSink();
    const { bus, processor, published, send } = await start(sink);
    const stricter = { ...INSTANT_PM25, version: 2, rules: [{ ...INSTANT_PM25.rules[0], version: 2, warning: 100 }] } as RuleSet;
    await bus.publish(BUS_TOPICS.rules, [{ key: stricter.id, value: stricter }]);
    await until('the new rule set is applied', () => processor.engine.ruleSetById(stricter.id)?.version === 2);

    await send([readingAt(0, { pm25: 120 })]);
    await until('the alert is published', () => published.length === 1);
    expect(published[0].evidence).toMatchObject({ warning: 100, ruleVersion: 2 });
  });
});
