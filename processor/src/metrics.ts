import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric the processor exports, registered on the registry the launcher passes in. */
export function createProcessorMetrics(registry: Registry) {
  return {
    readingsProcessed: new Counter({
      name: 'ioc_processor_readings_processed_total',
      help: 'Readings the rule engine evaluated (redeliveries count again)',
      registers: [registry],
    }),
    alertChanges: new Counter({
      name: 'ioc_processor_alert_changes_total',
      help: 'Alert snapshots the processor published, by change (opened, escalated, deescalated, resolved)',
      labelNames: ['change'] as const,
      registers: [registry],
    }),
    alertsOpen: new Gauge({
      name: 'ioc_processor_alerts_open',
      help: 'Unresolved alerts held by this processor',
      registers: [registry],
    }),
    checkpointsPublished: new Counter({
      name: 'ioc_processor_checkpoints_published_total',
      help: 'Device checkpoints the bus took, by topic (ioc.devices, ioc.rule-state)',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    checkpointsDeferred: new Counter({
      name: 'ioc_processor_checkpoints_deferred_total',
      help: 'Checkpoint rounds put off because the bus refused alert changes or checkpoints; the devices go out with the next round',
      registers: [registry],
    }),
    ruleStatesRestored: new Counter({
      name: 'ioc_processor_rule_states_restored_total',
      help: 'Rules whose state for a device was restored from ioc.rule-state (at start, at assignment, or handed over at a rebalance)',
      registers: [registry],
    }),
    processingLatency: new Histogram({
      name: 'ioc_processor_latency_seconds',
      help: 'From ingest accepting a reading to the processor having published its alert changes',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;
