import { BUS_TOPICS, type BusTopic } from '../../../contracts/src/index.js';
import type { Logger } from '../logger.js';
import type { BatchHandler, Bus, BusRecord, ConsumeOptions, DeliveredRecord, Subscription } from './bus.js';

export interface InProcessBusOptions {
  /** Records a topic may hold that some group has not consumed yet; publishers wait beyond it. */
  capacity?: number;
  maxBatch?: number;
  /** Delay before a failed batch is delivered again. */
  retryDelayMs?: number;
  logger?: Logger;
}

/**
 * Topics kept whole, so a consumer that starts late still reads them from the beginning. Kafka
 * compacts `ioc.rules` to the latest set per key; rule changes are rare human actions, so here
 * keeping every version costs nothing.
 */
const RETAINED = new Set<string>([BUS_TOPICS.rules]);

interface Group {
  id: string;
  position: number;
  handler: BatchHandler<BusTopic>;
  paused: boolean;
  running: boolean;
  stopped: boolean;
}

class TopicLog {
  readonly records: DeliveredRecord<BusTopic>[] = [];
  /** Offset of records[0]. */
  base = 0;
  readonly groups = new Map<string, Group>();
  readonly waiters: Array<() => void> = [];

  get end(): number {
    return this.base + this.records.length;
  }
}

/**
 * The embedded default's bus: the same contract as Kafka (ordered log per topic, consumer groups,
 * commit after the handler succeeds, redelivery on failure), held in memory and bounded, so a slow
 * consumer slows publishers down instead of losing records.
 */
export class InProcessBus implements Bus {
  private readonly topics = new Map<string, TopicLog>();
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly retryDelayMs: number;
  private readonly logger?: Logger;
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.capacity = options.capacity ?? 100_000;
    this.maxBatch = options.maxBatch ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.logger = options.logger;
  }

  async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const log = this.log(topic);
    while (log.groups.size > 0 && this.backlog(log) >= this.capacity) {
      await new Promise<void>((resolve) => log.waiters.push(resolve));
    }
    const timestamp = Date.now();
    for (const record of records) {
      log.records.push({
        topic,
        key: record.key,
        value: record.value,
        headers: record.headers ?? {},
        partition: 0,
        offset: String(log.end),
        timestamp,
      } as DeliveredRecord<BusTopic>);
    }
    if (log.groups.size === 0 && !RETAINED.has(topic) && log.records.length > this.capacity) {
      // Nobody consumes yet: keep the newest records for a consumer that starts from the beginning.
      const excess = log.records.length - this.capacity;
      log.records.splice(0, excess);
      log.base += excess;
    }
    for (const group of log.groups.values()) this.schedule(log, group);
  }

  async consume<T extends BusTopic>(topic: T, options: ConsumeOptions, handler: BatchHandler<T>): Promise<Subscription> {
    const log = this.log(topic);
    if (log.groups.has(options.groupId)) {
      throw new Error(`group "${options.groupId}" already consumes ${topic} in this process`);
    }
    const group: Group = {
      id: options.groupId,
      position: options.fromBeginning ? log.base : log.end,
      handler: handler as unknown as BatchHandler<BusTopic>,
      paused: false,
      running: false,
      stopped: false,
    };
    log.groups.set(group.id, group);
    // One member per group in a process: it owns the topic's one partition.
    options.onAssigned?.([0]);
    this.schedule(log, group);
    return {
      pause: () => {
        group.paused = true;
      },
      resume: () => {
        group.paused = false;
        this.schedule(log, group);
      },
      stop: async () => {
        group.stopped = true;
        log.groups.delete(group.id);
        this.trim(log);
      },
    };
  }

  /** What the topic still holds: records every group consumed are gone, as this bus lives and dies with its consumers. */
  async readToEnd<T extends BusTopic>(topic: T, handler: BatchHandler<T>): Promise<void> {
    const records = this.log(topic).records.slice() as DeliveredRecord<T>[];
    if (records.length > 0) await handler(records);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const log of this.topics.values()) {
      for (const group of log.groups.values()) group.stopped = true;
      log.groups.clear();
      log.waiters.splice(0).forEach((wake) => wake());
    }
  }

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = new TopicLog();
      this.topics.set(topic, log);
    }
    return log;
  }

  private backlog(log: TopicLog): number {
    return log.end - this.slowestPosition(log);
  }

  private slowestPosition(log: TopicLog): number {
    let slowest = log.end;
    for (const group of log.groups.values()) slowest = Math.min(slowest, group.position);
    return slowest;
  }

  private schedule(log: TopicLog, group: Group) {
    if (group.running || group.paused || group.stopped || group.position >= log.end) return;
    group.running = true;
    setImmediate(() => void this.deliver(log, group));
  }

  private async deliver(log: TopicLog, group: Group): Promise<void> {
    const from = Math.max(group.position, log.base) - log.base;
    const batch = log.records.slice(from, from + this.maxBatch);
    try {
      await group.handler(batch);
      group.position = log.base + from + batch.length;
      this.trim(log);
    } catch (error) {
      this.logger?.error({ err: error, group: group.id, topic: batch[0]?.topic }, 'batch handler failed; the batch will be delivered again');
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
    } finally {
      group.running = false;
    }
    this.schedule(log, group);
  }

  /** Drops records every group has consumed and wakes waiting publishers. */
  private trim(log: TopicLog) {
    if (!RETAINED.has(log.records[0]?.topic ?? '')) {
      const consumed = this.slowestPosition(log) - log.base;
      if (consumed > 0 && (consumed >= 1024 || consumed === log.records.length)) {
        log.records.splice(0, consumed);
        log.base += consumed;
      }
    }
    if (this.backlog(log) < this.capacity) log.waiters.splice(0).forEach((wake) => wake());
  }
}
