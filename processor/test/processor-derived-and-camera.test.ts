import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type Alert, type CameraEvent, type Reading, type RuleSetInput } from '../../contracts/src/index.js';
import { InProcessBus, type BusRecord } from '../../platform/src/index.js';
import type { BusTopic } from '../../contracts/src/index.js';
import { createLogger } from '../../platform/src/index.js';
import { startProcessor } from '../src/processor.js';
import { MINUTE, T0, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');

const VN_AQI_BAD: RuleSetInput['rules'][number] = {
  id: 'vn-aqi-bad',
  version: 1,
  type: 'threshold',
  domain: 'environment',
  derived: 'vn-aqi-hourly',
  name: { vi: 'VN_AQI Xấu', en: 'VN_AQI Bad' },
  metric: 'vnAqi',
  direction: 'above',
  warning: 150,
};

const INTRUSIONS: RuleSetInput['rules'][number] = {
  id: 'camera-intrusion',
  version: 1,
  type: 'camera-event-count',
  domain: 'traffic',
  name: { vi: 'Xâm nhập lặp lại', en: 'Repeated intrusion' },
  eventTypes: ['intrusion'],
  minCount: 3,
  windowSeconds: 600,
};

async function until(what: string, condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

/** A bus that refuses the first `failures` publishes of derived readings, as Kafka does while its leader moves. */
class DerivedPublishFails extends InProcessBus {
  constructor(private failures: number) {
    super({ retryDelayMs: 10, logger });
  }

  override async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    const derived = records.some((record) => (record.value as Partial<Reading>).derived !== undefined);
    if (topic === BUS_TOPICS.telemetry && derived && this.failures > 0) {
      this.failures--;
      throw new Error('NOT_LEADER_FOR_PARTITION');
    }
    return super.publish(topic, records);
  }
}

async function start(rules: RuleSetInput['rules'], bus = new InProcessBus({ retryDelayMs: 10, logger })) {
  const alerts: Alert[] = [];
  const telemetry: Reading[] = [];
  await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => {
    for (const record of records) alerts.push(record.value);
  });
  await bus.consume(BUS_TOPICS.telemetry, { groupId: 'observer' }, async (records) => {
    for (const record of records) telemetry.push(record.value);
  });
  const processor = await startProcessor({ bus, logger, registry: new Registry(), builtInRuleSet: ruleSet(rules), tickIntervalMs: 50 });
  stop.push(() => bus.close(), () => processor.close());
  return { bus, alerts, telemetry };
}

describe('processor, derived readings and camera events', () => {
  it('publishes hourly means and VN_AQI, and alerts when a station\'s VN_AQI reaches Xấu', async () => {
    const { bus, alerts, telemetry } = await start([VN_AQI_BAD]);
    // PM2.5 at 100 µg/m³ for three hours: a NowCast of 100 is sub-index 164 (Xấu, 151–200).
    const readings = [0, 30, 60, 90, 120].map((minute) => readingAt(minute, { pm25: 100, pm10: 60 }));
    await bus.publish(BUS_TOPICS.telemetry, readings.map((reading) => ({ key: reading.deviceId, value: reading })));

    await until('the VN_AQI alert is published', () => alerts.length === 1);
    expect(alerts[0]).toMatchObject({ ruleId: 'vn-aqi-bad', metric: 'vnAqi', value: 164, siteId: 'AQ-HK-01', severity: 'warning' });
    expect(alerts[0].message.vi).toBe('Chỉ số chất lượng không khí VN_AQI tại trạm AQ-HK-01 (Phường Hoàn Kiếm) là 164, vượt ngưỡng cảnh báo 150');
    const derived = telemetry.filter((reading) => reading.derived !== undefined);
    expect(derived.map((reading) => [reading.derived, reading.ts])).toEqual([
      ['hourly-mean', T0],
      ['hourly-mean', T0 + 60 * MINUTE],
      ['vn-aqi-hourly', T0 + 60 * MINUTE],
    ]);
    expect(derived[0].metrics).toEqual({ pm25: 100, pm10: 60 });
  });

  it('publishes the derived readings of a closed hour once the bus takes them, though the batch is not derived again', async () => {
    const { bus, telemetry } = await start([VN_AQI_BAD], new DerivedPublishFails(2));
    const readings = [0, 30, 60, 90].map((minute) => readingAt(minute, { pm25: 100, pm10: 60 }));
    await bus.publish(BUS_TOPICS.telemetry, readings.map((reading) => ({ key: reading.deviceId, value: reading })));

    await until('the hourly mean is published', () => telemetry.some((reading) => reading.derived === 'hourly-mean'));
    const derived = telemetry.filter((reading) => reading.derived !== undefined);
    expect(derived.map((reading) => [reading.derived, reading.ts, reading.metrics.pm25])).toEqual([['hourly-mean', T0, 100]]);
  });

  it('counts camera events from ioc.camera-events and publishes the alert they cause', async () => {
    const { bus, alerts } = await start([INTRUSIONS]);
    const camera = { deviceId: 'CAM-01', domain: 'traffic', kind: 'camera', siteId: 'DEPOT-1', ward: 'Phường Hoàn Kiếm' } as const;
    const events: CameraEvent[] = [0, 2, 4].map((minute, seq) => ({
      ...camera,
      ts: T0 + minute * MINUTE,
      seq,
      receivedAt: T0 + minute * MINUTE,
      eventId: `e${seq}`,
      eventType: 'intrusion',
      confidence: 0.9,
      count: 1,
    }));
    await bus.publish(BUS_TOPICS.cameraEvents, events.map((event) => ({ key: event.deviceId, value: event })));
    await until('the camera alert is published', () => alerts.length === 1);
    expect(alerts[0]).toMatchObject({ ruleId: 'camera-intrusion', deviceId: 'CAM-01', openedAt: T0 + 4 * MINUTE, evidence: { eventsInWindow: 3 } });
  });
});
