import { BUS_TOPICS, type Alert, type Reading } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Subscription } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import type { StoreWriterMetrics } from './metrics.js';
import type { TimeSeriesSink } from './sink/sink.js';

export interface ConsumeIntoSinkOptions {
  bus: Bus;
  sink: TimeSeriesSink;
  logger: Logger;
  metrics: StoreWriterMetrics;
}

export interface SinkFeed {
  /** Stops consuming. The bus and the sink belong to the caller. */
  close(): Promise<void>;
}

/** The consumer groups of the store writer: its own, so the rule engine's group never waits for the store. */
export const STORE_WRITER_GROUP = 'store-writer';
export const STORE_WRITER_ALERTS_GROUP = 'store-writer-alerts';

/**
 * Copies `ioc.telemetry` and `ioc.alerts` into the time-series store. A batch is committed only
 * once the store acknowledged it, so Kafka is the buffer while the store is down: a failed write
 * is delivered again, and when the sink's backlog is full both subscriptions pause until it has
 * drained, keeping memory bounded without dropping anything. Runs beside the processor (see
 * start.ts); readings and alert changes arrive in the store a little after the alerts reached
 * operators.
 */
export async function consumeIntoSink(options: ConsumeIntoSinkOptions): Promise<SinkFeed> {
  const { bus, sink, logger, metrics } = options;
  const subscriptions: Subscription[] = [];
  let draining: Promise<void> | undefined;

  function pauseWhileFull() {
    if (draining !== undefined || !sink.isFull()) return;
    for (const subscription of subscriptions) subscription.pause();
    metrics.storeWriterPaused.set(1);
    logger.warn({ backlog: sink.backlog() }, 'store backlog full; consuming paused until it drains');
    draining = sink.whenDrained().then(() => {
      draining = undefined;
      metrics.storeWriterPaused.set(0);
      logger.info({ backlog: sink.backlog() }, 'store backlog drained; consuming again');
      for (const subscription of subscriptions) subscription.resume();
    });
  }

  async function write(readings: readonly Reading[], alerts: readonly Alert[]) {
    const written = sink.write(readings, alerts);
    metrics.sinkBacklog.set(sink.backlog());
    pauseWhileFull();
    try {
      await written;
    } catch (error) {
      metrics.sinkWriteErrors.inc();
      throw error;
    } finally {
      metrics.sinkBacklog.set(sink.backlog());
    }
    metrics.readingsStored.inc(readings.length);
    metrics.alertSnapshotsStored.inc(alerts.length);
  }

  const onTelemetry = (records: DeliveredRecord<typeof BUS_TOPICS.telemetry>[]) => write(records.map((record) => record.value), []);
  const onAlerts = (records: DeliveredRecord<typeof BUS_TOPICS.alerts>[]) => write([], records.map((record) => record.value));

  subscriptions.push(
    await bus.consume(BUS_TOPICS.telemetry, { groupId: STORE_WRITER_GROUP, fromBeginning: true }, onTelemetry),
    await bus.consume(BUS_TOPICS.alerts, { groupId: STORE_WRITER_ALERTS_GROUP, fromBeginning: true }, onAlerts),
  );
  return {
    async close() {
      for (const subscription of subscriptions.splice(0).reverse()) await subscription.stop();
    },
  };
}
