import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { RuleSet } from '../../contracts/src/index.js';
import type { Bus, Logger } from '../../platform/src/index.js';
import { Derivations, RuleEngine, defaultRuleSet } from '../../rule-core/src/index.js';
import { AlertFeed } from './alert-feed.js';
import { AlertPublisher } from './alert-publisher.js';
import { AlertRefresh } from './alert-refresh.js';
import { CheckpointFeed } from './checkpoint-feed.js';
import { createProcessorMetrics } from './metrics.js';
import { Outbox } from './outbox.js';
import { RuleSetFeed } from './rule-set-feed.js';
import { runPhases, type PhaseTiming } from './startup.js';
import { TelemetryConsumer } from './telemetry-consumer.js';
import { Timers } from './timers.js';

export interface ProcessorOptions {
  bus: Bus;
  logger: Logger;
  /** Where the processor's metrics are registered. */
  registry: Registry;
  /** Published and put in force when `ioc.rules` holds no rule set (a new deployment); default: the built-in defaults. */
  builtInRuleSet?: RuleSet;
  /** How often time-driven rules run, milliseconds. */
  tickIntervalMs?: number;
  /** How often what the processor learned about its devices (report intervals, rule state) is checkpointed, milliseconds. */
  checkpointIntervalMs?: number;
  /**
   * Names this instance's consumer groups for `ioc.alerts`, `ioc.rules` and `ioc.devices`, which
   * every instance must read whole (telemetry is split between instances, operator changes and
   * rule sets are not). New per start by default, so the rule sets are read again from the beginning.
   */
  instanceId?: string;
  /** Wall clock for the timers and latency; tests pass their own. */
  clock?: () => number;
}

export interface Processor {
  readonly engine: RuleEngine;
  /** Each start-up phase, in order, with how long it took. */
  readonly startup: readonly PhaseTiming[];
  /** Consuming and able to publish; false once closed. */
  ready(): boolean;
  /** Stops consuming and the timers, and checkpoints what it learned. The bus belongs to the caller. */
  close(): Promise<void>;
}

/**
 * Starts the stream processor: readings from `ioc.telemetry` through the rule engine, alert
 * changes to `ioc.alerts`. The time-series store is the store writer's, a part of its own that
 * runs beside it. Start-up runs in named phases, each complete before the next begins:
 *
 * 1. rule sets: `ioc.rules` read to its end (the built-in set published on a new deployment),
 *    so telemetry meets the rules in force;
 * 2. open alerts: `ioc.alerts` read to its end, so after a restart or a rebalance the processor
 *    continues the alerts it (or another instance) had open, and a redelivered reading opens no
 *    second alert;
 * 3. checkpoints: `ioc.devices` and `ioc.rule-state` read to their end, so the partitions this
 *    instance is given come with their devices and the rule state learned from them (restored
 *    after the open alerts, which decide whether a saved episode is still going);
 * 4. telemetry: the shared consumer groups of `ioc.telemetry` and `ioc.camera-events`;
 * 5. timers: time-driven rules, alert refresh, checkpoints.
 *
 * Each feed goes on following its topic after start-up: operators' acknowledgements and
 * resolutions, new rule sets, checkpoints of partitions taken over later.
 */
export async function startProcessor(options: ProcessorOptions): Promise<Processor> {
  const { bus, logger } = options;
  const clock = options.clock ?? Date.now;
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${Date.now().toString(36)}`;
  const builtIn = options.builtInRuleSet ?? defaultRuleSet();
  const metrics = createProcessorMetrics(options.registry);
  const engine = new RuleEngine([]);
  const publisher = new AlertPublisher(new Outbox(bus), engine, metrics);
  const refresh = new AlertRefresh();

  const ruleSets = new RuleSetFeed({ bus, engine, publisher, logger, groupId: `processor-rules-${instanceId}`, clock });
  const alerts = new AlertFeed({ bus, engine, publisher, refresh, metrics, groupId: `processor-alerts-${instanceId}`, clock });
  const derivations = new Derivations();
  const checkpoints = new CheckpointFeed({ bus, engine, derivations, logger, metrics, groupId: `processor-devices-${instanceId}`, clock });
  const telemetry = new TelemetryConsumer({ bus, engine, derivations, publisher, checkpoints, metrics, clock });
  const checkpoint = () => checkpoints.checkpoint((take) => telemetry.settled(take));
  const timers = new Timers({
    bus,
    engine,
    publisher,
    refresh,
    checkpoint,
    logger,
    clock,
    tickIntervalMs: options.tickIntervalMs ?? 5_000,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 30_000,
  });
  const feeds = [ruleSets, alerts, checkpoints];

  let closed = false;
  const close = async () => {
    closed = true;
    timers.stop();
    await telemetry.stop();
    for (const feed of [...feeds].reverse()) await feed.stop();
    // What the last batches taught, so a planned restart forgets nothing.
    await checkpoint();
  };

  let startup: PhaseTiming[];
  try {
    startup = await runPhases(
      [
        { name: 'rule sets', run: () => ruleSets.start(builtIn) },
        { name: 'open alerts', run: () => alerts.start() },
        { name: 'checkpoints', run: () => checkpoints.start() },
        { name: 'telemetry', run: () => telemetry.start() },
        { name: 'timers', run: async () => timers.start() },
      ],
      logger,
    );
  } catch (error) {
    await close().catch((failure: unknown) => logger.warn({ err: failure }, 'error while stopping after a failed start'));
    throw error;
  }
  logger.info({ instanceId, openAlerts: engine.openAlertCount }, 'processor consuming');

  return {
    engine,
    startup,
    ready: () => !closed,
    close,
  };
}
