import { BUS_TOPICS, RuleStateCheckpointSchema, type BusTopic, type CameraEvent, type DeviceCheckpoint, type Reading, type RuleStateCheckpoint } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Logger, Subscription } from '../../platform/src/index.js';
import { summarizeIssues } from '../../platform/src/index.js';
import { restoreRuleState, takeRuleState, type Derivations, type RuleEngine } from '../../rule-core/src/index.js';
import { DeviceCheckpoints } from './device-checkpoints.js';
import type { ProcessorMetrics } from './metrics.js';
import { RuleStateCheckpoints, SOURCE_HEADER } from './rule-state-checkpoints.js';

export interface CheckpointFeedOptions {
  bus: Bus;
  engine: RuleEngine;
  derivations: Derivations;
  logger: Logger;
  metrics: ProcessorMetrics;
  /** This instance's own group: partitions taken over later come with their latest checkpoints. */
  groupId: string;
  clock: () => number;
}

/** Rule states taken in one go while readings wait (see `checkpoint`). */
const CHECKPOINT_SLICE = 250;

/** Runs `take` once every alert change of the readings evaluated so far is on the bus (TelemetryConsumer.settled). */
export type Settled = <T>(take: () => T) => Promise<T>;

/** Checkpoints taken at one moment, to publish. */
export interface TakenCheckpoints {
  devices: DeviceCheckpoint[];
  ruleState: Array<{ checkpoint: RuleStateCheckpoint; source: string }>;
}

/**
 * What this instance learned, checkpointed and restored, one mechanism for two compacted topics:
 * - `ioc.devices`: where each device is and how often it reports (device-checkpoints.ts), so an
 *   instance watches exactly the devices of its partitions and reports the silent ones;
 * - `ioc.rule-state`: the rule engine's and the derived readings' state of each device (timers,
 *   windows, anomaly baselines, open hours; rule-state-checkpoints.ts), so an episode continues
 *   and a baseline needs no second warm-up after a restart or a rebalance.
 * Both are read to their end before telemetry and followed all along; they are restored when
 * partitions are assigned, taken by the timer and at close, and at a rebalance for the
 * partitions lost. See processor/README.md for how old a checkpoint can be.
 */
export class CheckpointFeed {
  private readonly devices = new DeviceCheckpoints();
  private readonly ruleState = new RuleStateCheckpoints();
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly options: CheckpointFeedOptions) {}

  /** Follows both topics, then reads them to their end. */
  async start(): Promise<void> {
    const { bus, groupId } = this.options;
    this.subscriptions.push(
      await bus.consume(BUS_TOPICS.devices, { groupId }, this.onDevices),
      await bus.consume(BUS_TOPICS.ruleState, { groupId: `${groupId}-state` }, this.onRuleState),
    );
    await bus.readToEnd(BUS_TOPICS.devices, this.onDevices);
    await bus.readToEnd(BUS_TOPICS.ruleState, this.onRuleState);
  }

  async stop(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0).reverse()) await subscription.stop();
  }

  noteReading(reading: Reading, partition: number): void {
    this.devices.noteReading(reading, partition);
    this.ruleState.note(reading.deviceId, BUS_TOPICS.telemetry, partition);
  }

  noteCameraEvent(event: CameraEvent, partition: number): void {
    this.ruleState.note(event.deviceId, BUS_TOPICS.cameraEvents, partition);
    this.ruleState.note(event.siteId, BUS_TOPICS.cameraEvents, partition);
  }

  /**
   * The partitions of `topic` this instance owns changed (start, rebalance). The state learned
   * from partitions it lost is checkpointed one last time for their new owner (their batches are
   * done: the bus finishes them before a rebalance) and forgotten; the checkpoints of the
   * partitions it owns are restored; for telemetry it then watches exactly their devices.
   */
  assign(topic: BusTopic, partitions: readonly number[]): void {
    const { engine, logger } = this.options;
    const { lost, restore } = this.ruleState.assign(topic, partitions);
    if (lost.length > 0) {
      const last = this.take(lost);
      this.ruleState.forget(lost);
      void this.publish(last);
    }
    let rules = 0;
    for (const checkpoint of restore) rules += this.restore(checkpoint);
    if (topic !== BUS_TOPICS.telemetry) {
      logger.info({ topic, partitions, ruleStatesLost: lost.length, ruleStatesRestored: rules }, 'partitions assigned');
      return;
    }
    for (const id of lost) engine.forgetDevice(id);
    const { forgotten, restored } = this.devices.assign(partitions, engine);
    logger.info({ topic, partitions, forgotten, restored, ruleStatesLost: lost.length, ruleStatesRestored: rules }, 'telemetry partitions assigned; watching their devices');
  }

  /**
   * The checkpoints due now (devices heard from and state changed since the last time), or the
   * rule state of `only`. Take them only while every alert change of the readings they cover is
   * on the bus: a restored engine skips those readings as already evaluated.
   */
  take(only?: readonly string[], limit = Infinity): TakenCheckpoints {
    const { engine, derivations, clock } = this.options;
    const now = clock();
    const ruleState: TakenCheckpoints['ruleState'] = [];
    for (const { id, source } of this.ruleState.due(only, limit)) {
      const checkpoint = takeRuleState(engine, derivations, id, now);
      if (checkpoint !== undefined) ruleState.push({ checkpoint, source });
    }
    this.ruleState.taken(ruleState);
    return { devices: only === undefined ? this.devices.due(now, engine) : [], ruleState };
  }

  /**
   * Takes the checkpoints due once `settled` finds every alert change on the bus, and publishes
   * them; the rest is tried at the next one when the bus refuses those changes. Taken
   * `CHECKPOINT_SLICE` devices at a time (about 0.3 ms each for an air station under the default
   * rules, bench/checkpoint.bench.ts), so that readings wait for one slice at most, not for every device.
   */
  async checkpoint(settled: Settled): Promise<void> {
    const slices = Math.max(1, Math.ceil(this.ruleState.pending / CHECKPOINT_SLICE));
    for (let slice = 0; slice < slices; slice++) {
      let taken: TakenCheckpoints;
      try {
        taken = await settled(() => this.take(undefined, CHECKPOINT_SLICE));
      } catch (error) {
        this.options.metrics.checkpointsDeferred.inc();
        this.options.logger.warn({ err: error }, 'checkpoint skipped: alert changes are not on the bus yet; trying again at the next one');
        return;
      }
      await this.publish(taken);
    }
  }

  /** Publishes checkpoints taken; what the bus refuses goes out with the next ones. */
  async publish(taken: TakenCheckpoints): Promise<void> {
    const { bus, logger, metrics } = this.options;
    if (taken.ruleState.length > 0) {
      try {
        await bus.publish(
          BUS_TOPICS.ruleState,
          taken.ruleState.map(({ checkpoint, source }) => ({ key: checkpoint.deviceId, value: checkpoint, headers: { [SOURCE_HEADER]: source } })),
        );
        metrics.checkpointsPublished.inc({ topic: BUS_TOPICS.ruleState }, taken.ruleState.length);
      } catch (error) {
        metrics.checkpointsDeferred.inc();
        this.ruleState.unpublished(taken.ruleState.map(({ checkpoint }) => checkpoint.deviceId));
        logger.warn({ err: error, devices: taken.ruleState.length }, 'rule state checkpoints not published yet; retrying with the next ones');
      }
    }
    if (taken.devices.length > 0) {
      try {
        await bus.publish(BUS_TOPICS.devices, taken.devices.map((value) => ({ key: value.deviceId, value })));
        metrics.checkpointsPublished.inc({ topic: BUS_TOPICS.devices }, taken.devices.length);
      } catch (error) {
        metrics.checkpointsDeferred.inc();
        this.devices.unpublished(taken.devices);
        logger.warn({ err: error, devices: taken.devices.length }, 'device checkpoints not published yet; retrying with the next ones');
      }
    }
  }

  /** Restores one rule state checkpoint; returns the rules whose state it restored. */
  private restore(checkpoint: RuleStateCheckpoint): number {
    const { engine, derivations, metrics } = this.options;
    const { restored } = restoreRuleState(engine, derivations, checkpoint);
    metrics.ruleStatesRestored.inc(restored);
    return restored;
  }

  private readonly onDevices = (records: DeliveredRecord<typeof BUS_TOPICS.devices>[]): Promise<void> => {
    for (const record of records) this.devices.noteCheckpoint(record.value);
    return Promise.resolve();
  };

  private readonly onRuleState = (records: DeliveredRecord<typeof BUS_TOPICS.ruleState>[]): Promise<void> => {
    for (const record of records) {
      const { deviceId, takenAt } = record.value;
      // This instance's own checkpoints come back too: nothing to parse or restore.
      if (!this.ruleState.isNewer(deviceId, takenAt)) continue;
      // Checked here, not trusted: a checkpoint in another format, or from a newer release, is left alone.
      const parsed = RuleStateCheckpointSchema.safeParse(record.value);
      if (!parsed.success) {
        this.options.logger.warn({ key: record.key, offset: record.offset, issues: summarizeIssues(parsed.error.issues) }, 'rule state checkpoint not readable; that device starts afresh');
        continue;
      }
      if (this.ruleState.noteCheckpoint(parsed.data, record.headers[SOURCE_HEADER])) this.restore(parsed.data);
    }
    return Promise.resolve();
  };
}
