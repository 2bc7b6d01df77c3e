import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BUS_TOPICS } from '../../../../contracts/src/index.js';
import { createBusMetrics, InProcessBus } from '../../../src/bus/index.js';
import { createLogger } from '../../../src/logger.js';
import { telemetry } from '../records.js';

/** The embedded bus reports the same bus metrics as the Kafka subscription, as /metrics shows them. */
describe('bus metrics of the embedded bus', () => {
  it('shows handled and failed batches, handled records, produce latency and the lag of each group', async () => {
    const registry = new Registry();
    const bus = new InProcessBus({ metrics: createBusMetrics(registry), retryDelayMs: 10, maxBatch: 10, logger: createLogger('embedded-metrics', 'silent') });
    try {
      let failuresLeft = 1;
      let handled = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 25));
      await bus.consume(BUS_TOPICS.telemetry, { groupId: 'processor', fromBeginning: true }, async (records) => {
        if (failuresLeft-- > 0) throw new Error('store unavailable');
        if (handled >= 10) await gate;
        handled += records.length;
      });
      for (let i = 0; i < 200 && handled < 10; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const text = await registry.metrics();
      expect(text).toMatch(/ioc_bus_consumer_lag\{topic="ioc.telemetry",group="processor",partition="0"\} 15/);
      release();
      for (let i = 0; i < 200 && handled < 25; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const after = await registry.metrics();
      expect(after).toMatch(/ioc_bus_batches_handled_total\{topic="ioc.telemetry",group="processor"\} 3/);
      expect(after).toMatch(/ioc_bus_records_handled_total\{topic="ioc.telemetry",group="processor"\} 25/);
      expect(after).toMatch(/ioc_bus_batches_failed_total\{topic="ioc.telemetry",group="processor"\} 1/);
      expect(after).toMatch(/ioc_bus_consumer_lag\{topic="ioc.telemetry",group="processor",partition="0"\} 0/);
      expect(after).toMatch(/ioc_bus_produce_latency_seconds_count\{topic="ioc.telemetry"\} 1/);
    } finally {
      await bus.close();
    }
  });
});
