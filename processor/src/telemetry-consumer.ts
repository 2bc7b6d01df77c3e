import { BUS_TOPICS, type Reading } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Subscription } from '../../platform/src/index.js';
import type { Derivations, RuleEngine } from '../../rule-core/src/index.js';
import type { AlertPublisher } from './alert-publisher.js';
import type { CheckpointFeed } from './checkpoint-feed.js';
import type { ProcessorMetrics } from './metrics.js';

/** The consumer group sharing the telemetry between processor instances. */
export const TELEMETRY_GROUP = 'processor';
/** The consumer group sharing the camera events between processor instances. */
export const CAMERA_GROUP = 'processor-camera';

export interface TelemetryConsumerOptions {
  bus: Bus;
  engine: RuleEngine;
  derivations: Derivations;
  publisher: AlertPublisher;
  checkpoints: CheckpointFeed;
  metrics: ProcessorMetrics;
  clock: () => number;
}

/**
 * Readings from `ioc.telemetry` and camera events from `ioc.camera-events` through the rule
 * engine, in the groups processor instances share. A batch is committed only once its alert
 * changes and derived readings are on the bus, so nothing is lost on a crash (at-least-once).
 */
export class TelemetryConsumer {
  private readonly subscriptions: Subscription[] = [];
  /**
   * Derived readings not on the bus yet. Their hour is closed in `derivations`, so a batch
   * delivered again would not derive them again: they wait here until a publish succeeds.
   */
  private readonly derived: Reading[] = [];
  /** Batches being handled. */
  private handling = 0;
  private readonly whenIdle: Array<() => void> = [];
  /** Set while `settled` works: new batches wait for it. */
  private holding: Promise<unknown> | undefined;

  constructor(private readonly options: TelemetryConsumerOptions) {}

  async start(): Promise<void> {
    const { bus, checkpoints } = this.options;
    this.subscriptions.push(
      await bus.consume(BUS_TOPICS.telemetry, { groupId: TELEMETRY_GROUP, onAssigned: (partitions) => checkpoints.assign(BUS_TOPICS.telemetry, partitions) }, (records) =>
        this.handle(() => this.onTelemetry(records)),
      ),
      await bus.consume(BUS_TOPICS.cameraEvents, { groupId: CAMERA_GROUP, onAssigned: (partitions) => checkpoints.assign(BUS_TOPICS.cameraEvents, partitions) }, (records) =>
        this.handle(() => this.onCameraEvents(records)),
      ),
    );
  }

  async stop(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0).reverse()) await subscription.stop();
  }

  /**
   * Runs `take` at a moment when no batch is being handled and every alert change and derived
   * reading of the batches handled so far is on the bus: what rule state checkpoints need (a
   * restored engine skips the readings they cover). New batches wait meanwhile. Rejects, without
   * running `take`, when the bus refuses what is owed to it.
   */
  async settled<T>(take: () => T): Promise<T> {
    while (this.holding !== undefined) await this.holding;
    const work = (async () => {
      while (this.handling > 0) await new Promise<void>((resolve) => this.whenIdle.push(resolve));
      await this.publishDerived();
      await this.options.publisher.publish();
      return take();
    })();
    this.holding = work.catch(() => undefined);
    try {
      return await work;
    } finally {
      this.holding = undefined;
    }
  }

  private async handle(batch: () => Promise<void>): Promise<void> {
    while (this.holding !== undefined) await this.holding;
    this.handling++;
    try {
      await batch();
    } finally {
      if (--this.handling === 0) for (const wake of this.whenIdle.splice(0)) wake();
    }
  }

  private async onTelemetry(records: DeliveredRecord<typeof BUS_TOPICS.telemetry>[]): Promise<void> {
    const { engine, derivations, publisher, checkpoints, metrics, clock } = this.options;
    const readings = new Array<Reading>(records.length);
    for (let i = 0; i < records.length; i++) {
      const reading = records[i].value;
      readings[i] = reading;
      checkpoints.noteReading(reading, records[i].partition);
      publisher.add(engine.onReading(reading));
      const completed = derivations.add(reading);
      for (let j = 0; j < completed.length; j++) this.derived.push(completed[j]);
    }
    await this.publishDerived();
    await publisher.publish();
    const published = clock();
    for (const reading of readings) metrics.processingLatency.observe((published - reading.receivedAt) / 1000);
    metrics.readingsProcessed.inc(readings.length);
  }

  /**
   * Hourly means and VN_AQI go round the bus like any reading: the rules, the store and the
   * dashboard get them from `ioc.telemetry` (the derivations ignore them when they come back).
   */
  private async publishDerived(): Promise<void> {
    if (this.derived.length === 0) return;
    // Taken out before the await: batches of other partitions add to the list meanwhile.
    const publishing = this.derived.splice(0);
    try {
      await this.options.bus.publish(BUS_TOPICS.telemetry, publishing.map((reading) => ({ key: reading.deviceId, value: reading })));
    } catch (error) {
      this.derived.unshift(...publishing);
      throw error;
    }
  }

  private async onCameraEvents(records: DeliveredRecord<typeof BUS_TOPICS.cameraEvents>[]): Promise<void> {
    const { engine, publisher, checkpoints } = this.options;
    for (const record of records) {
      checkpoints.noteCameraEvent(record.value, record.partition);
      publisher.add(engine.onCameraEvent(record.value));
    }
    await publisher.deliverPending();
  }
}
