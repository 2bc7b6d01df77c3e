import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, Reading } from '../../contracts/src/index.js';
import { createBusMetrics, type BusMetrics, type DeliveredRecord } from '../src/bus/index.js';
import { deliverBatch, type Delivery, type FetchedBatch } from '../src/bus/kafka/delivery.js';
import { PartitionProgress } from '../src/bus/kafka/partition-progress.js';
import { createLogger } from '../src/logger.js';

/**
 * The bus metrics as a Kafka subscription records them, batch by batch, without a broker: the
 * batches are the records Kafka would hand over. The rebalance test (kafka-rebalance.int.test.ts)
 * checks them against a real group.
 */
const logger = createLogger('bus-metrics-test', 'silent');

function reading(seq: number): Reading {
  return { deviceId: 'air-1', domain: 'environment', kind: 'air-station', siteId: 'st-1', ward: 'Phường Láng', ts: 1795000000000 + seq, seq, receivedAt: 1795000000000 + seq, metrics: { pm25: seq } };
}

function message(offset: number, value: string = JSON.stringify(reading(offset))): KafkaMessage {
  return { key: Buffer.from('air-1'), value: Buffer.from(value), timestamp: '1795000000000', attributes: 0, offset: String(offset), headers: {} } as KafkaMessage;
}

/** Offsets `from` to `to` of partition 3, the partition's end at `end`; `notJson` are offsets whose value is not JSON. */
function batch(from: number, to: number, end: number, notJson: number[] = []): FetchedBatch {
  const messages = [];
  for (let offset = from; offset <= to; offset++) messages.push(notJson.includes(offset) ? message(offset, '{"deviceId": "air-1", trunc') : message(offset));
  return { partition: 3, highWatermark: String(end), messages, lastOffset: String(to) };
}

function subscription<T extends 'ioc.telemetry' | 'ioc.deadletter' = 'ioc.telemetry'>(topic: T = 'ioc.telemetry' as T) {
  const registry = new Registry();
  const metrics = createBusMetrics(registry);
  const letters: DeadLetter[] = [];
  const delivery: Delivery<T> = {
    topic,
    groupId: 'processor',
    progress: new PartitionProgress(),
    deadLetter: topic === 'ioc.deadletter' ? undefined : async (sent) => void letters.push(...sent),
    metrics,
    logger,
  };
  return { registry, metrics, letters, delivery };
}

/** The sample with these labels; a counter never incremented has none and reads 0. */
async function value(metric: BusMetrics[keyof BusMetrics], labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const matches = (sampleLabels: Record<string, string | number | undefined>) => Object.entries(labels).every(([name, wanted]) => String(sampleLabels[name]) === wanted);
  return values.find((sample) => matches(sample.labels))?.value ?? 0;
}

const handledBy = (received: DeliveredRecord<'ioc.telemetry'>[]) => async (records: DeliveredRecord<'ioc.telemetry'>[]) => void received.push(...records);
const failing = async () => {
  throw new Error('store unavailable');
};

describe('bus metrics of a Kafka subscription', () => {
  it('counts handled batches and records, and shows the lag left after each batch', async () => {
    const { metrics, delivery, registry } = subscription();
    const received: DeliveredRecord<'ioc.telemetry'>[] = [];
    await deliverBatch(delivery, batch(0, 4, 20), handledBy(received));
    expect(await value(metrics.consumerLag, { topic: 'ioc.telemetry', partition: '3', group: 'processor' })).toBe(15);
    await deliverBatch(delivery, batch(5, 19, 20), handledBy(received));
    expect(received).toHaveLength(20);
    expect(await value(metrics.batchesHandled, { topic: 'ioc.telemetry', group: 'processor' })).toBe(2);
    expect(await value(metrics.recordsHandled, { topic: 'ioc.telemetry', group: 'processor' })).toBe(20);
    expect(await value(metrics.consumerLag, { partition: '3' })).toBe(0);
    expect(await registry.metrics()).toContain('ioc_bus_consumer_lag{topic="ioc.telemetry",group="processor",partition="3"} 0');
  });

  it('counts a record that is not JSON as dead-lettered, by topic and code, and hands over the rest', async () => {
    const { metrics, delivery, letters } = subscription();
    const received: DeliveredRecord<'ioc.telemetry'>[] = [];
    const outcome = await deliverBatch(delivery, batch(0, 2, 3, [1]), handledBy(received));
    expect(outcome).toEqual({ handled: true });
    expect(received.map((record) => record.offset)).toEqual(['0', '2']);
    expect(letters.map((letter) => letter.code)).toEqual(['IOC_BUS_RECORD_NOT_JSON']);
    expect(await value(metrics.deadLetters, { topic: 'ioc.telemetry', code: 'IOC_BUS_RECORD_NOT_JSON' })).toBe(1);
  });

  it('does not count records of the dead-letter topic itself as dead-lettered: they are only logged', async () => {
    const { metrics, delivery } = subscription('ioc.deadletter');
    await deliverBatch(delivery, batch(0, 0, 1, [0]), async () => undefined);
    expect(await value(metrics.deadLetters, { topic: 'ioc.deadletter' })).toBe(0);
  });

  it('counts a failed batch, keeps it uncommitted, and does not count its next delivery as a redelivery', async () => {
    const { metrics, delivery } = subscription();
    const outcome = await deliverBatch(delivery, batch(0, 4, 5), failing);
    expect(outcome.handled).toBe(false);
    expect(await value(metrics.batchesFailed, { topic: 'ioc.telemetry', group: 'processor' })).toBe(1);
    expect(delivery.progress.uncommitted()).toEqual([]);
    expect(await value(metrics.consumerLag, { partition: '3' })).toBe(5);

    await deliverBatch(delivery, batch(0, 4, 5), handledBy([]));
    expect(await value(metrics.redeliveries, { topic: 'ioc.telemetry', group: 'processor' })).toBe(0);
    expect(delivery.progress.uncommitted()).toEqual([{ partition: 3, offset: '5' }]);
  });

  it('counts records delivered again at offsets already handled, e.g. from an older commit after a rebalance', async () => {
    const { metrics, delivery } = subscription();
    await deliverBatch(delivery, batch(0, 9, 10), handledBy([]));
    await deliverBatch(delivery, batch(7, 14, 15), handledBy([]));
    expect(await value(metrics.redeliveries, { topic: 'ioc.telemetry', group: 'processor' })).toBe(3);
  });
});
