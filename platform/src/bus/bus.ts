import type { BusTopic, BusValue } from '../../../contracts/src/index.js';

/** A record to publish. The key decides the partition, so records with one key stay in order. */
export interface BusRecord<T extends BusTopic> {
  key: string;
  value: BusValue<T>;
  headers?: Record<string, string>;
}

export interface DeliveredRecord<T extends BusTopic> extends BusRecord<T> {
  topic: T;
  partition: number;
  offset: string;
  /** When the bus accepted the record, epoch milliseconds. */
  timestamp: number;
  headers: Record<string, string>;
}

export interface ConsumeOptions {
  /** Consumers sharing a group id split the records; each group sees every record. */
  groupId: string;
  /** Start from the oldest retained record when the group has no committed position. */
  fromBeginning?: boolean;
  /**
   * Called with the partitions this member now owns, when it joins its group and after every
   * rebalance: for state kept per partition, such as which silent devices this member watches.
   */
  onAssigned?: (partitions: readonly number[]) => void;
}

/**
 * Called with a batch of records. The batch counts as consumed (its offsets are committed) only
 * when the promise resolves; if it rejects, the same records are delivered again: at-least-once.
 */
export type BatchHandler<T extends BusTopic> = (records: DeliveredRecord<T>[]) => Promise<void>;

export interface Subscription {
  /** Stop fetching (the processor does this while the store's backlog is full); records wait on the bus. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** What ingest, processor and dashboard use to talk. In-process now; Kafka has the same shape. */
export interface Bus {
  /** Resolves once the bus holds the records durably (for Kafka: acknowledged by all in-sync replicas). */
  publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void>;
  consume<T extends BusTopic>(topic: T, options: ConsumeOptions, handler: BatchHandler<T>): Promise<Subscription>;
  /**
   * Hands over every record the topic holds, oldest first, up to its end as of the call, then
   * resolves; joins no group and commits nothing. How a restarting part rebuilds its state (the
   * processor its unresolved alerts) before it consumes.
   */
  readToEnd<T extends BusTopic>(topic: T, handler: BatchHandler<T>): Promise<void>;
  close(): Promise<void>;
}
