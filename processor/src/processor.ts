import { hostname } from 'node:os';
import { BUS_TOPICS, RuleSetSchema, type Alert, type Reading, type RuleSet } from '../../contracts/src/index.js';
import type { Bus, DeliveredRecord, Subscription } from '../../platform/src/index.js';
import { summarizeIssues } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import { AlertRefresh } from './alert-refresh.js';
import { Derivations } from '../../rule-core/src/index.js';
import { DeviceCheckpoints } from './device-checkpoints.js';
import { RuleEngine } from '../../rule-core/src/index.js';
import type { ProcessorMetrics } from './metrics.js';
import { Outbox } from './outbox.js';
import type { TimeSeriesSink } from '../../store-writer/src/index.js';
import { startStoreWriter } from '../../store-writer/src/index.js';

export interface ProcessorOptions {
  bus: Bus;
  /** Where the store writer started beside the rule engine copies readings and alert changes. */
  sink: TimeSeriesSink;
  /** The rules to start with; rule sets on `ioc.rules` replace them. */
  ruleSet: RuleSet;
  logger: Logger;
  metrics: ProcessorMetrics;
  /** How often time-driven rules run, milliseconds. */
  tickIntervalMs?: number;
  /** How often the devices heard from are checkpointed on `ioc.devices`, milliseconds. */
  checkpointIntervalMs?: number;
  /**
   * Names this instance's consumer groups for `ioc.alerts` and `ioc.rules`, which every
   * instance must read whole (telemetry is split between instances, operator changes and rule
   * sets are not). New per start by default, so the rule sets are read again from the beginning.
   */
  instanceId?: string;
  /** Wall clock for the timer and latency; tests pass their own. */
  clock?: () => number;
}

export interface Processor {
  readonly engine: RuleEngine;
  /** Consuming and able to publish; false once closed. */
  ready(): boolean;
  /** Stops consuming and the timer. The bus and the sink belong to the caller. */
  close(): Promise<void>;
}

/** The consumer group sharing the telemetry between processor instances. */
export const TELEMETRY_GROUP = 'processor';
/** The consumer group sharing the camera events between processor instances. */
export const CAMERA_GROUP = 'processor-camera';
/** How often the unresolved alerts are checked for a record on the bus about to age out. */
const REFRESH_CHECK_INTERVAL_MS = 3_600_000;

/**
 * The stream processor: readings from `ioc.telemetry` through the rule engine, alert changes to
 * `ioc.alerts`, and the batch is committed once the bus has them, so nothing is lost on a crash
 * (at-least-once). Alerting never waits for the time-series store: the store writer
 * (store-writer.ts), started here in its own consumer groups, copies telemetry and alerts into
 * the sink. Before consuming telemetry the processor reads `ioc.alerts` to its end, so after a
 * restart or a rebalance it continues the alerts it (or another instance) had open and a
 * redelivered reading opens no second alert. Operators' acknowledgements and resolutions come
 * back on `ioc.alerts`, rule sets on `ioc.rules`; a timer drives the time-based rules and writes
 * long-unresolved alerts again before the topic's retention ages them out (alert-refresh.ts).
 * Each device's learned report interval is checkpointed on `ioc.devices`, so an instance watches
 * exactly the devices of the partitions it owns, across restarts and rebalances.
 */
export async function createProcessor(options: ProcessorOptions): Promise<Processor> {
  const { bus, sink, logger, metrics } = options;
  const clock = options.clock ?? Date.now;
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${Date.now().toString(36)}`;
  const engine = new RuleEngine(options.ruleSet);
  const derivations = new Derivations();
  /**
   * Derived readings not on the bus yet. Their hour is closed in `derivations`, so a batch
   * delivered again would not derive them again: they wait here until a publish succeeds.
   */
  const derived: Reading[] = [];
  const outbox = new Outbox(bus);
  const devices = new DeviceCheckpoints();
  const refresh = new AlertRefresh();
  let refreshCheckedAt = -Infinity;
  let closed = false;

  async function publishAlerts() {
    const published = await outbox.publish();
    for (const alert of published) metrics.alertChanges.inc({ change: alert.lastChange });
  }

  async function onTelemetry(records: DeliveredRecord<typeof BUS_TOPICS.telemetry>[]) {
    const readings = new Array<Reading>(records.length);
    for (let i = 0; i < records.length; i++) {
      const reading = records[i].value;
      readings[i] = reading;
      devices.noteReading(reading, records[i].partition);
      const changes = engine.onReading(reading);
      if (changes.length > 0) outbox.add(changes);
      const completed = derivations.add(reading);
      for (let j = 0; j < completed.length; j++) derived.push(completed[j]);
    }
    // Hourly means and VN_AQI go round the bus like any reading: the rules, the store and the
    // dashboard get them from `ioc.telemetry` (the derivations ignore them when they come back).
    if (derived.length > 0) {
      // Taken out before the await: batches of other partitions add to the list meanwhile.
      const publishing = derived.splice(0);
      try {
        await bus.publish(BUS_TOPICS.telemetry, publishing.map((reading) => ({ key: reading.deviceId, value: reading })));
      } catch (error) {
        derived.unshift(...publishing);
        throw error;
      }
    }
    await publishAlerts();
    const published = clock();
    for (const reading of readings) metrics.processingLatency.observe((published - reading.receivedAt) / 1000);
    metrics.alertsOpen.set(engine.openAlertCount);
    metrics.readingsProcessed.inc(readings.length);
  }

  async function onCameraEvents(records: DeliveredRecord<typeof BUS_TOPICS.cameraEvents>[]) {
    for (const record of records) {
      const changes = engine.onCameraEvent(record.value);
      if (changes.length > 0) outbox.add(changes);
    }
    await deliverPending();
  }

  function onAlerts(records: DeliveredRecord<typeof BUS_TOPICS.alerts>[]) {
    for (const record of records) {
      engine.applyAlert(record.value);
      outbox.noteOnBus(record.value);
      refresh.noteOnBus(record.value, record.timestamp);
    }
    metrics.alertsOpen.set(engine.openAlertCount);
    return Promise.resolve();
  }

  let ruleSetsSeen = 0;
  async function onRules(records: DeliveredRecord<typeof BUS_TOPICS.rules>[]) {
    for (const record of records) {
      const parsed = RuleSetSchema.safeParse(record.value);
      if (!parsed.success) {
        // Skipped rather than retried: a refused set would block every later one.
        logger.error({ key: record.key, offset: record.offset, issues: summarizeIssues(parsed.error.issues) }, 'rule set refused; keeping the current rules');
        continue;
      }
      const next = parsed.data;
      ruleSetsSeen++;
      const current = engine.ruleSet;
      if (next.id === current.id && next.version <= current.version) continue;
      outbox.add(engine.setRuleSet(next, clock()));
      logger.info({ ruleSet: next.id, version: next.version, rules: next.rules.length }, 'rule set applied');
    }
    await deliverPending();
  }

  async function deliverPending() {
    if (!outbox.pending) return;
    await publishAlerts();
    metrics.alertsOpen.set(engine.openAlertCount);
  }

  let ticking = false;
  async function tick() {
    if (ticking || closed) return;
    ticking = true;
    try {
      const now = clock();
      const changes: readonly Alert[] = engine.tick(now);
      if (changes.length > 0) outbox.add(changes);
      await deliverPending();
      if (now - refreshCheckedAt >= REFRESH_CHECK_INTERVAL_MS) {
        const due = refresh.due(engine.openAlerts(), now);
        if (due.length > 0) await bus.publish(BUS_TOPICS.alerts, due.map((alert) => ({ key: alert.key, value: alert })));
        for (const alert of due) refresh.noteOnBus(alert, now);
        refreshCheckedAt = now;
      }
    } catch (error) {
      logger.warn({ err: error }, 'alert changes not delivered yet; retrying on the next tick');
    } finally {
      ticking = false;
    }
  }

  async function checkpoint() {
    const due = devices.due(clock(), engine);
    if (due.length === 0) return;
    try {
      await bus.publish(BUS_TOPICS.devices, due.map((value) => ({ key: value.deviceId, value })));
    } catch (error) {
      devices.unpublished(due);
      logger.warn({ err: error, devices: due.length }, 'device checkpoints not published yet; retrying with the next ones');
    }
  }

  function onCheckpoints(records: DeliveredRecord<typeof BUS_TOPICS.devices>[]) {
    for (const record of records) devices.noteCheckpoint(record.value);
    return Promise.resolve();
  }

  function onAssigned(partitions: readonly number[]) {
    const { forgotten, restored } = devices.assign(partitions, engine);
    logger.info({ partitions, forgotten, restored }, 'telemetry partitions assigned; watching their devices');
  }

  const subscriptions: Subscription[] = [
    await bus.consume(BUS_TOPICS.rules, { groupId: `processor-rules-${instanceId}`, fromBeginning: true }, onRules),
    await bus.consume(BUS_TOPICS.alerts, { groupId: `processor-alerts-${instanceId}` }, onAlerts),
    // Followed all along: partitions taken over later, from an instance that left or died, come
    // with their devices' latest checkpoints rather than those of this instance's start.
    await bus.consume(BUS_TOPICS.devices, { groupId: `processor-devices-${instanceId}` }, onCheckpoints),
  ];
  // Subscribed first, so no change falls between the end read here and the live feed: telemetry
  // must meet the rule set in force and know the alerts still open.
  await bus.readToEnd(BUS_TOPICS.rules, onRules);
  if (ruleSetsSeen === 0) {
    // A new deployment: publish the built-in defaults, so the environment department can see and
    // change them (GET/PUT /api/rule-sets) and every processor runs the same set.
    await bus.publish(BUS_TOPICS.rules, [{ key: options.ruleSet.id, value: options.ruleSet }]);
    logger.info({ ruleSet: options.ruleSet.id, version: options.ruleSet.version }, 'no rule set on the bus yet; published the built-in one');
  }
  await bus.readToEnd(BUS_TOPICS.alerts, onAlerts);
  // Before telemetry, so that the partitions this instance is given come with their devices.
  await bus.readToEnd(BUS_TOPICS.devices, onCheckpoints);
  subscriptions.push(await bus.consume(BUS_TOPICS.telemetry, { groupId: TELEMETRY_GROUP, onAssigned }, onTelemetry));
  subscriptions.push(await bus.consume(BUS_TOPICS.cameraEvents, { groupId: CAMERA_GROUP }, onCameraEvents));
  const storeWriter = await startStoreWriter({ bus, sink, logger: logger.child({ component: 'store-writer' }), metrics: metrics.storeWriter });
  const timer = setInterval(() => void tick(), options.tickIntervalMs ?? 5000);
  timer.unref();
  const checkpointTimer = setInterval(() => void checkpoint(), options.checkpointIntervalMs ?? 30_000);
  checkpointTimer.unref();
  logger.info({ ruleSet: options.ruleSet.id, version: options.ruleSet.version, rules: options.ruleSet.rules.length, instanceId }, 'processor consuming');

  return {
    engine,
    ready: () => !closed,
    async close() {
      closed = true;
      clearInterval(timer);
      clearInterval(checkpointTimer);
      for (const subscription of subscriptions.reverse()) await subscription.stop();
      // What the last batches taught, so a planned restart forgets nothing.
      await checkpoint();
      await storeWriter.close();
    },
  };
}
