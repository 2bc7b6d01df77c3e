import { BUS_TOPICS, type Reading } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Logger, Subscription } from '../../platform/src/index.js';
import type { RuleEngine } from '../../rule-core/src/index.js';
import { DeviceCheckpoints } from './device-checkpoints.js';

export interface CheckpointFeedOptions {
  bus: Bus;
  engine: RuleEngine;
  logger: Logger;
  /** This instance's own group: partitions taken over later come with their devices' latest checkpoints. */
  groupId: string;
  clock: () => number;
}

/**
 * What this instance learned about its devices, checkpointed on `ioc.devices` and restored from
 * it (device-checkpoints.ts keeps the books): read to its end before telemetry, so the
 * partitions this instance is given come with their devices.
 */
export class CheckpointFeed {
  private readonly devices = new DeviceCheckpoints();
  private subscription: Subscription | undefined;

  constructor(private readonly options: CheckpointFeedOptions) {}

  /** Follows the topic all along, then reads it to its end. */
  async start(): Promise<void> {
    const { bus, groupId } = this.options;
    this.subscription = await bus.consume(BUS_TOPICS.devices, { groupId }, this.onCheckpoints);
    await bus.readToEnd(BUS_TOPICS.devices, this.onCheckpoints);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  noteReading(reading: Reading, partition: number): void {
    this.devices.noteReading(reading, partition);
  }

  /** The telemetry partitions this instance owns changed: watch exactly their devices. */
  assign(partitions: readonly number[]): void {
    const { forgotten, restored } = this.devices.assign(partitions, this.options.engine);
    this.options.logger.info({ partitions, forgotten, restored }, 'telemetry partitions assigned; watching their devices');
  }

  /** Publishes the checkpoints of the devices heard from since the last time; a failure is retried with the next ones. */
  async publish(): Promise<void> {
    const { bus, engine, logger, clock } = this.options;
    const due = this.devices.due(clock(), engine);
    if (due.length === 0) return;
    try {
      await bus.publish(BUS_TOPICS.devices, due.map((value) => ({ key: value.deviceId, value })));
    } catch (error) {
      this.devices.unpublished(due);
      logger.warn({ err: error, devices: due.length }, 'device checkpoints not published yet; retrying with the next ones');
    }
  }

  private readonly onCheckpoints = (records: DeliveredRecord<typeof BUS_TOPICS.devices>[]): Promise<void> => {
    for (const record of records) this.devices.noteCheckpoint(record.value);
    return Promise.resolve();
  };
}
