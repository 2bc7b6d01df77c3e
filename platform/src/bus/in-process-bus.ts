import { join } from 'node:path';
import { BUS_TOPIC_POLICY, type BusTopic, type TopicPolicy } from '../../../contracts/src/index.js';
import type { Logger } from '../logger.js';
import type { BatchHandler, Bus, BusRecord, ConsumeOptions, DeliveredRecord, Subscription } from './bus.js';
import { decodeValue, encodeValue } from './codec.js';
import { lockDirectory } from './embedded/directory-lock.js';
import { embeddedBusError } from './embedded/errors.js';
import type { StoredRecord } from './embedded/frame.js';
import { GroupCommit } from './embedded/group-commit.js';
import { OffsetStore } from './embedded/offset-store.js';
import { PartitionLog } from './embedded/partition-log.js';
import type { BusMetrics } from './metrics.js';

const MIB = 1024 * 1024;
/** How long stop and close wait for a batch being handled; a handler stuck longer has it delivered again after a restart. */
const STOP_WAIT_MS = 5_000;

export interface InProcessBusOptions {
  /**
   * Keep the log on disk here (one folder per topic, segment files, committed offsets), so it
   * survives restarts and crashes. Without it the bus lives in memory and dies with the process.
   */
  directory?: string;
  /**
   * On disk: how long a sync waits for more publishes to share it (default 0: publishes that
   * arrive while a sync runs share the next one anyway). publish() resolves once synced.
   */
  groupCommitMs?: number;
  /** On disk: committed offsets are written this often (default 1000 ms) and at close; a crash redelivers what was handled since. */
  offsetSaveMs?: number;
  /** In memory: records a topic may hold that some group has not handled yet; publishers wait beyond it. */
  capacity?: number;
  maxBatch?: number;
  /** Delay before a failed batch is delivered again. */
  retryDelayMs?: number;
  /** Replaces parts of the contracts' topic policy (tests shorten retention). */
  policy?: Partial<Record<BusTopic, TopicPolicy>>;
  /** On disk: a segment file rolls at this size (default 64 MiB). */
  segmentBytes?: number;
  /** On disk: the newest records per topic also kept in memory for consumers that keep up (default 8 MiB). */
  cacheBytes?: number;
  /** In memory: per topic, records beyond this are dropped once every group handled them (default 64 MiB). */
  memoryBytes?: number;
  /** Compacted topics are compacted once this many records are superseded (default 1000). */
  compactionThreshold?: number;
  metrics?: BusMetrics;
  /** The clock records are stamped with and retention measures by. */
  now?: () => number;
  logger?: Logger;
}

interface Group {
  id: string;
  position: number;
  handler: BatchHandler<BusTopic>;
  paused: boolean;
  running: boolean;
  stopped: boolean;
  /** The delivery under way, which stop and close wait for so the batch's offsets are committed. */
  inFlight: Promise<void> | null;
}

interface TopicState {
  topic: BusTopic;
  log: PartitionLog;
  groups: Map<string, Group>;
  /** Publishers waiting for room (in memory only). */
  waiters: Array<() => void>;
}

/**
 * The embedded default's bus: the same contract as Kafka (an ordered log per topic, consumer
 * groups, commit after the handler succeeds, redelivery on failure, the contracts' topic policy
 * for retention and compaction, values through the same codec). With a directory the log is on
 * disk and publish() resolves only once the records are synced (group commit), committed offsets
 * survive restarts; without one it is held in memory and bounded, so a slow consumer slows
 * publishers down instead of losing records. One partition per topic: partitions are how Kafka
 * spreads a topic over processes, and here there is one process.
 */
export class InProcessBus implements Bus {
  private readonly topics = new Map<BusTopic, TopicState>();
  private readonly offsets: OffsetStore;
  private readonly commit: GroupCommit;
  private readonly policy: Record<BusTopic, TopicPolicy>;
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  private readonly metrics?: BusMetrics;
  private readonly logger?: Logger;
  /** Per group and topic, the end of what a handler in this process resolved, to count redeliveries. */
  private readonly handledEnd = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unlock: (() => void) | null;
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.capacity = options.capacity ?? 100_000;
    this.maxBatch = options.maxBatch ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics;
    this.logger = options.logger;
    this.policy = { ...BUS_TOPIC_POLICY, ...options.policy };
    this.unlock = options.directory ? lockDirectory(options.directory) : null;
    try {
      this.offsets = new OffsetStore(options.directory, this.now);
      this.commit = new GroupCommit(options.groupCommitMs ?? 0, (logs) => this.afterSync(logs));
      // Open every topic now: a torn tail is cut off and compacted topics compacted before anyone reads.
      if (options.directory) for (const topic of Object.keys(this.policy) as BusTopic[]) this.state(topic);
    } catch (error) {
      this.unlock?.();
      throw error;
    }
    if (options.directory) {
      this.every(options.offsetSaveMs ?? 1000, () => void this.offsets.save().catch((error: unknown) => this.logger?.warn({ err: error }, 'could not save the consumer groups\' offsets; a restart may deliver handled records again')));
    }
    this.every(30_000, () => this.maintainAll());
  }

  async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    if (this.closed) throw embeddedBusError('IOC_BUS_CLOSED', [topic]);
    if (records.length === 0) return;
    const started = performance.now();
    const state = this.state(topic);
    const { log } = state;
    while (!log.durable && state.groups.size > 0 && log.nextOffset - this.slowestPosition(state) >= this.capacity) {
      await new Promise<void>((resolve) => state.waiters.push(resolve));
      if (this.closed) throw embeddedBusError('IOC_BUS_CLOSED', [topic]);
    }
    log.append(
      records.map((record) => ({
        key: record.key,
        headers: record.headers && Object.keys(record.headers).length > 0 ? JSON.stringify(record.headers) : '',
        value: encodeValue(record.value),
      })),
    );
    if (log.durable) await this.commit.durable(log);
    else this.afterSync([log]);
    this.metrics?.produceLatency.observe({ topic }, (performance.now() - started) / 1000);
  }

  async consume<T extends BusTopic>(topic: T, options: ConsumeOptions, handler: BatchHandler<T>): Promise<Subscription> {
    const state = this.state(topic);
    if (state.groups.has(options.groupId)) throw embeddedBusError('IOC_BUS_GROUP_TAKEN', [options.groupId, topic]);
    const committed = this.offsets.get(options.groupId, topic);
    const group: Group = {
      id: options.groupId,
      position: committed ?? (options.fromBeginning ? state.log.start : state.log.durableEnd),
      handler: handler as unknown as BatchHandler<BusTopic>,
      paused: false,
      running: false,
      stopped: false,
      inFlight: null,
    };
    state.groups.set(group.id, group);
    // One member per group in a process: it owns the topic's one partition.
    options.onAssigned?.([0]);
    this.schedule(state, group);
    return {
      pause: () => {
        group.paused = true;
      },
      resume: () => {
        group.paused = false;
        this.schedule(state, group);
      },
      stop: async () => {
        group.stopped = true;
        state.groups.delete(group.id);
        this.wakePublishers(state);
        await settleWithin([group.inFlight], STOP_WAIT_MS);
        await this.offsets.save();
      },
    };
  }

  /** Every record the topic holds as of the call, oldest first, in batches; joins no group. */
  async readToEnd<T extends BusTopic>(topic: T, handler: BatchHandler<T>): Promise<void> {
    const { log } = this.state(topic);
    const end = log.durableEnd;
    let from = log.start;
    while (from < end) {
      const records = log.read(from, this.maxBatch).filter((record) => record.offset < end);
      if (records.length === 0) return;
      await handler(records.map((record) => delivered(topic, record)));
      from = records[records.length - 1].offset + 1;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    const deliveries: Array<Promise<void> | null> = [];
    for (const state of this.topics.values()) {
      for (const group of state.groups.values()) {
        group.stopped = true;
        deliveries.push(group.inFlight);
      }
      state.groups.clear();
      this.wakePublishers(state);
    }
    try {
      await settleWithin(deliveries, STOP_WAIT_MS);
      await this.commit.drain();
      await this.offsets.save();
    } finally {
      for (const state of this.topics.values()) state.log.close();
      this.unlock?.();
    }
  }

  private state(topic: BusTopic): TopicState {
    let state = this.topics.get(topic);
    if (!state) {
      const log = new PartitionLog({
        topic,
        policy: this.policy[topic],
        directory: this.options.directory ? join(this.options.directory, `${topic}-0`) : undefined,
        segmentBytes: this.options.segmentBytes ?? 64 * MIB,
        cacheBytes: this.options.cacheBytes ?? 8 * MIB,
        memoryBytes: this.options.memoryBytes ?? 64 * MIB,
        compactionThreshold: this.options.compactionThreshold ?? 1000,
        now: this.now,
        logger: this.logger,
      });
      state = { topic, log, groups: new Map(), waiters: [] };
      this.topics.set(topic, state);
    }
    return state;
  }

  /** New records are visible: apply the policy and wake the groups. */
  private afterSync(logs: PartitionLog[]): void {
    for (const state of this.topics.values()) {
      if (!logs.includes(state.log)) continue;
      this.maintain(state);
      for (const group of state.groups.values()) this.schedule(state, group);
    }
  }

  private maintainAll(): void {
    for (const state of this.topics.values()) this.maintain(state);
  }

  /** Retention and compaction; a failure (a disk error) leaves the records in place for the next attempt. */
  private maintain(state: TopicState): void {
    try {
      state.log.maintain(this.slowestPosition(state));
    } catch (error) {
      this.logger?.error({ err: error, topic: state.topic }, 'could not apply retention or compaction to the bus log; retried later');
    }
  }

  private slowestPosition(state: TopicState): number {
    let slowest = state.log.nextOffset;
    for (const group of state.groups.values()) slowest = Math.min(slowest, group.position);
    return slowest;
  }

  private schedule(state: TopicState, group: Group): void {
    if (group.running || group.paused || group.stopped || group.position >= state.log.durableEnd) return;
    group.running = true;
    group.inFlight = new Promise((resolve) => setImmediate(() => void this.deliver(state, group).finally(resolve)));
  }

  private async deliver(state: TopicState, group: Group): Promise<void> {
    const { topic, log } = state;
    const records = log.read(group.position, this.maxBatch);
    if (records.length === 0) {
      // What lay between its position and the end was deleted by retention or compaction.
      group.position = log.durableEnd;
      group.running = false;
      return;
    }
    const labels = { topic, group: group.id };
    this.metrics?.consumerLag.set({ ...labels, partition: '0' }, log.durableEnd - records[0].offset);
    const end = records[records.length - 1].offset + 1;
    const handledKey = `${group.id}\u0000${topic}`;
    const handledEnd = this.handledEnd.get(handledKey) ?? 0;
    if (records[0].offset < handledEnd) this.metrics?.redeliveries.inc(labels, records.filter((record) => record.offset < handledEnd).length);
    try {
      await group.handler(records.map((record) => delivered(topic, record)));
      group.position = end;
      this.offsets.commit(group.id, topic, end);
      this.handledEnd.set(handledKey, Math.max(handledEnd, end));
      this.metrics?.batchesHandled.inc(labels);
      this.metrics?.recordsHandled.inc(labels, records.length);
      this.metrics?.consumerLag.set({ ...labels, partition: '0' }, log.durableEnd - end);
      if (!log.durable) this.maintain(state);
      this.wakePublishers(state);
    } catch (error) {
      this.metrics?.batchesFailed.inc(labels);
      this.logger?.error({ err: error, group: group.id, topic }, 'batch handler failed; the batch will be delivered again');
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
    } finally {
      group.running = false;
    }
    this.schedule(state, group);
  }

  private wakePublishers(state: TopicState): void {
    if (this.closed || state.groups.size === 0 || state.log.nextOffset - this.slowestPosition(state) < this.capacity) state.waiters.splice(0).forEach((wake) => wake());
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }
}

/** A record as a consumer gets it: its own copy of value and headers, decoded by the bus codec. */
function delivered<T extends BusTopic>(topic: T, record: StoredRecord): DeliveredRecord<T> {
  return {
    topic,
    partition: 0,
    offset: String(record.offset),
    timestamp: record.timestamp,
    key: record.key,
    value: decodeValue<T>(record.value),
    headers: record.headers === '' ? {} : (JSON.parse(record.headers) as Record<string, string>),
  };
}

/** Waits for the deliveries to end, or `ms`, whichever comes first. */
async function settleWithin(deliveries: ReadonlyArray<Promise<void> | null>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.all(deliveries), timeout]);
  clearTimeout(timer);
}
