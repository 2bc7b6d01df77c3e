import { BUS_TOPICS, deadLetterRecord } from '../../contracts/src/index.js';
import { backoffDelay, type BackoffPolicy } from '../../platform/src/index.js';
import type { Bus, BusRecord } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import type { IngestMetrics } from './metrics.js';
import type { NormalizedMessage } from './normalize.js';

export interface BatchOptions {
  /** A batch is published as soon as it holds this many messages. */
  maxMessages: number;
  /** ...or when its first message has waited this long while the bus was idle. */
  maxDelayMs: number;
}

export interface BatcherOptions {
  bus: Bus;
  logger: Logger;
  metrics: IngestMetrics;
  batch: BatchOptions;
  /** Backoff while the bus refuses a batch. */
  retry?: BackoffPolicy;
}

/** Acknowledges a message to whoever delivered it; called only once the bus holds the message. */
export type Ack = () => void;

const DEFAULT_RETRY: BackoffPolicy = { initialMs: 200, maxMs: 10_000 };
const ROOM = Promise.resolve();

class Batch {
  readonly readings: BusRecord<typeof BUS_TOPICS.telemetry>[] = [];
  readonly cameraEvents: BusRecord<typeof BUS_TOPICS.cameraEvents>[] = [];
  readonly deadLetters: BusRecord<typeof BUS_TOPICS.deadLetter>[] = [];
  readonly acks: Ack[] = [];

  get size(): number {
    return this.acks.length;
  }
}

interface Part {
  topic: string;
  publish: () => Promise<void>;
}

/**
 * Collects normalized messages into batches, publishes each batch on the bus and only then
 * acknowledges its messages, in arrival order. One batch is in flight at a time; what arrives
 * meanwhile forms the next batch, so batches grow with the load. A batch the bus refuses is
 * published again with backoff until it succeeds: nothing is acknowledged that is not on the bus.
 */
export class BusBatcher {
  private pending = new Batch();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly roomWaiters: Array<() => void> = [];
  private retryWait: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private closing = false;
  private readonly retry: BackoffPolicy;

  constructor(private readonly options: BatcherOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /**
   * Takes a message in. Resolves when there is room for the next one: while a full batch waits
   * behind the one in flight, the caller should stop reading, which pushes back on the broker.
   */
  add(message: NormalizedMessage, ack: Ack): Promise<void> {
    const batch = this.pending;
    if (message.ok) {
      if (message.kind === 'reading') batch.readings.push({ key: message.reading.deviceId, value: message.reading });
      // By site: the cameras of one site are counted together, so they must reach one processor instance.
      else batch.cameraEvents.push({ key: message.event.siteId, value: message.event });
    } else {
      const { deadLetter } = message;
      this.options.metrics.invalidMessages.inc({ code: deadLetter.code });
      batch.deadLetters.push(deadLetterRecord(deadLetter));
    }
    batch.acks.push(ack);

    const full = batch.size >= this.options.batch.maxMessages;
    if (this.flushing) return full ? new Promise((resolve) => this.roomWaiters.push(resolve)) : ROOM;
    if (full) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.batch.maxDelayMs);
    return ROOM;
  }

  /**
   * Publishes what was taken in and stops. A batch the bus still refuses is left unacknowledged:
   * the broker keeps it for the next session.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.retryWait?.wake();
    if (!this.flushing && this.pending.size > 0) this.flush();
    await this.flushing;
    this.wakeRoomWaiters();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Batch();
      this.wakeRoomWaiters();
      if (!(await this.publish(batch))) return;
      for (const ack of batch.acks) ack();
    }
  }

  /** True once the bus holds the whole batch; false if ingest is closing and the bus still refuses it. */
  private async publish(batch: Batch): Promise<boolean> {
    const { bus, logger, metrics } = this.options;
    const started = performance.now();
    let parts: Part[] = [];
    if (batch.readings.length > 0) parts.push({ topic: BUS_TOPICS.telemetry, publish: () => bus.publish(BUS_TOPICS.telemetry, batch.readings) });
    if (batch.cameraEvents.length > 0) parts.push({ topic: BUS_TOPICS.cameraEvents, publish: () => bus.publish(BUS_TOPICS.cameraEvents, batch.cameraEvents) });
    if (batch.deadLetters.length > 0) parts.push({ topic: BUS_TOPICS.deadLetter, publish: () => bus.publish(BUS_TOPICS.deadLetter, batch.deadLetters) });

    for (let attempt = 1; parts.length > 0; attempt++) {
      const results = await Promise.allSettled(parts.map((part) => part.publish()));
      const failed = parts.filter((_, i) => results[i].status === 'rejected');
      if (failed.length > 0) {
        metrics.busPublishFailures.inc(failed.length);
        const delayMs = backoffDelay(attempt, this.retry);
        const err = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
        if (this.closing) {
          logger.error({ err, topics: failed.map((p) => p.topic), messages: batch.size }, 'bus publish failed while closing; the messages stay unacknowledged for the broker to deliver again');
          return false;
        }
        logger.error({ err, topics: failed.map((p) => p.topic), messages: batch.size, attempt, retryInMs: delayMs }, 'bus publish failed; the messages stay unacknowledged and are published again');
        await this.waitBeforeRetry(delayMs);
      }
      // Retry only the topics that failed, so the others do not get duplicates.
      parts = failed;
    }

    metrics.publishBatchSeconds.observe((performance.now() - started) / 1000);
    metrics.readingsPublished.inc(batch.readings.length);
    metrics.cameraEventsPublished.inc(batch.cameraEvents.length);
    metrics.deadLetters.inc(batch.deadLetters.length);
    return true;
  }

  /** Sleeps before a retry; close() cuts the wait short for one last attempt. */
  private waitBeforeRetry(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(this.retryWait?.timer);
        this.retryWait = undefined;
        resolve();
      };
      this.retryWait = { timer: setTimeout(wake, ms), wake };
    });
  }

  private wakeRoomWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
