import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every metric the bus exports, declared once; a service registers them on its /metrics registry
 * and hands them to createBus. Labels use bus names: `topic` is the bus topic (`ioc.telemetry`,
 * without the deployment's prefix), `group` the bus group id given to consume() (`processor`).
 */
export function createBusMetrics(registry: Registry) {
  const registers = [registry];
  return {
    consumerLag: new Gauge({
      name: 'ioc_bus_consumer_lag',
      help: "Records on a partition this member has not handled yet: the partition's end minus the next offset to handle, as of the latest batch. Only partitions this member owns are shown.",
      labelNames: ['topic', 'partition', 'group'] as const,
      registers,
    }),
    batchesHandled: new Counter({
      name: 'ioc_bus_batches_handled_total',
      help: 'Batches whose handler resolved; their offsets are committed.',
      labelNames: ['topic', 'group'] as const,
      registers,
    }),
    recordsHandled: new Counter({
      name: 'ioc_bus_records_handled_total',
      help: 'Records in batches whose handler resolved (redeliveries count again).',
      labelNames: ['topic', 'group'] as const,
      registers,
    }),
    batchesFailed: new Counter({
      name: 'ioc_bus_batches_failed_total',
      help: 'Batches whose handler rejected; the same records are delivered again after a back-off.',
      labelNames: ['topic', 'group'] as const,
      registers,
    }),
    redeliveries: new Counter({
      name: 'ioc_bus_redeliveries_total',
      help: 'Records delivered to a handler at an offset at or below one this process already handled for that group and partition (a handler resolved for it), e.g. after a commit failed before a rebalance. What another process or an earlier run of this one handled is not known here, so not counted.',
      labelNames: ['topic', 'group'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: 'ioc_bus_dead_letters_total',
      help: 'Records the bus itself moved to ioc.deadletter because no consumer can read them, by the topic they came from and error code.',
      labelNames: ['topic', 'code'] as const,
      registers,
    }),
    commitFailures: new Counter({
      name: 'ioc_bus_commit_failures_total',
      help: 'Offset commits the broker refused or that could not be sent; the records stay uncommitted and are committed by the next commit, or delivered again after a restart.',
      labelNames: ['topic', 'group'] as const,
      registers,
    }),
    produceLatency: new Histogram({
      name: 'ioc_bus_produce_latency_seconds',
      help: 'From publish() being called to the bus holding the records durably (Kafka: acknowledged by every in-sync replica).',
      labelNames: ['topic'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}

export type BusMetrics = ReturnType<typeof createBusMetrics>;
