import {
  alertKey,
  mergeAlert,
  resolveAlert,
  ruleSetOf,
  type Alert,
  type AlertChange,
  type CameraEvent,
  type DeviceKind,
  type Domain,
  type Reading,
  type Rule,
  type RuleSet,
  type RuleSetRemoval,
  type RuleStateCheckpoint,
  type SavedRuleState,
  type SavedStream,
} from '../../../contracts/src/index.js';
import { RULE_STATE_FORMAT } from '../../../contracts/src/index.js';
import type { ReportIntervalSnapshot } from '../anomaly/report-interval.js';
import { alertId } from './alert-id.js';
import { IdMap } from './id-map.js';
import { MetricValues, type MetricLayout } from './metric-values.js';
import { RULE_KINDS } from './kinds/index.js';
import { missingDataKind, type CompiledMissingData, type MissingDataState } from './kinds/missing-data.js';
import { physicalRangeKind, type CompiledPhysicalRange, type PhysicalRangeState } from './kinds/physical-range.js';
import { thresholdKind, type CompiledThreshold } from './kinds/threshold.js';
import { CATALOGUE_RANGES } from './physical-ranges.js';
import { CRITICAL, NONE, WARNING, type AlertLevel, type CompiledRule, type DevicePlace, type Level, type RuleKind } from './rule-kind.js';
import { ruleDefinition } from './rule-definition.js';
import { selectRules } from './scope.js';

type AnyKind = RuleKind<Rule, CompiledRule, unknown>;

interface CompiledEntry {
  readonly compiled: CompiledRule;
  readonly kind: AnyKind;
  /** The rule's place among the rules of every set in force, naming it in a ReadingPlan's key. */
  readonly index: number;
  readonly ruleSetId: string;
  /** See ruleDefinition: what a checkpoint's rule state must have been saved under. */
  readonly definition: string;
}

/** A rule set in force, its rules by domain. */
interface IndexedRuleSet {
  readonly ruleSet: RuleSet;
  readonly rulesByDomain: Map<Domain, Rule[]>;
}

/**
 * What a device's reading rules read and how they evaluate, in rule order: everything about the
 * rules that does not depend on the device. Devices the same rules apply to (every device of a
 * kind, under domain-wide rules) share one plan, so the hot loop reads it from cache and touches
 * only the device's own states; built when the device's rules are assigned, never per reading.
 */
class ReadingPlan {
  readonly size: number;
  /** Per rule: the index of the metric handed to `evaluate` (see physical-ranges.ts); −1 for kinds that read the whole reading. */
  readonly metricIndexes: Int32Array;
  readonly kinds: AnyKind[];
  readonly compiled: CompiledRule[];
  /** The key layout of the last reading evaluated under this plan: the next one most likely has it too. */
  layout: MetricLayout | null = null;

  constructor(
    trackers: readonly Tracker[],
    /** The values the device's sensors can produce, by metric index (see physical-ranges.ts). */
    readonly low: Float64Array,
    readonly high: Float64Array,
  ) {
    this.size = trackers.length;
    this.metricIndexes = Int32Array.from(trackers, ({ compiled }) => compiled.metricIndex);
    this.kinds = trackers.map((tracker) => tracker.kind);
    this.compiled = trackers.map((tracker) => tracker.compiled);
  }
}

const NO_PLAN = new ReadingPlan([], CATALOGUE_RANGES.low, CATALOGUE_RANGES.high);
const NO_LEVELS = new Uint8Array(0);

/** Returned when nothing changed, which is almost always: no allocation per reading. */
const NO_CHANGES: readonly Alert[] = Object.freeze([]);

/** Who resolves the alerts of rules that went out of force, and why. */
interface Resolution {
  readonly by: string;
  readonly comment: string;
}

const RULE_GONE: Resolution = {
  by: 'system',
  comment: 'Quy tắc đã bị xóa, tắt hoặc không còn áp dụng cho thiết bị này / The rule was removed, disabled or no longer applies to this device',
};
const RULE_SET_REMOVED_COMMENT = 'Bộ quy tắc đã bị gỡ bỏ / The rule set was taken out of force';

/**
 * A device as the engine knows it: where it is, the rules that apply to it, how far its readings
 * were evaluated. A device's derived readings (hourly means, VN_AQI) are a Device of their own,
 * with their own rules and time order; so is a site whose camera events are counted together.
 */
class Device implements DevicePlace {
  /** Rules evaluated on readings. */
  trackers: Tracker[] = [];
  /** How the hot loop evaluates `trackers`: the plan, shared with devices under the same rules, and their states. */
  plan = NO_PLAN;
  /** `states[i]` is `trackers[i].state`, in an array of the device's own so the hot loop does not load each tracker. */
  states: unknown[] = [];
  /** The level each of `trackers` was evaluated at last: what `evaluate` gets as `previous`. */
  levels = NO_LEVELS;
  /** Rules evaluated on camera events. */
  eventTrackers: Tracker[] = [];
  lastTs = -Infinity;
  lastSeq = -1;
  /**
   * Bit i set when `trackers[i]` is engaged (see Tracker.engaged), for the first 31 trackers: a
   * rule at NONE whose tracker is not engaged changes nothing, and the hot loop learns that
   * without touching the tracker.
   */
  engaged = 0;
  domain: Domain;
  kind: DeviceKind;
  siteId: string;
  ward: string;
  /** What the engine finds the device by: its id, with the derived readings' name for derived readings (see `engineId`). */
  readonly id: string;

  constructor(
    readonly deviceId: string,
    place: Omit<DevicePlace, 'deviceId'>,
    readonly derived: string | undefined,
    /** Counts the camera events of a whole site rather than one device's readings or events. */
    readonly isSite = false,
  ) {
    this.id = engineId(deviceId, derived);
    this.domain = place.domain;
    this.kind = place.kind;
    this.siteId = place.siteId;
    this.ward = place.ward;
  }

  /** Whether the reading places the device elsewhere than before (the kind decides the domain). */
  movedBy(reading: Omit<DevicePlace, 'deviceId'>): boolean {
    return this.siteId !== reading.siteId || this.ward !== reading.ward || this.kind !== reading.kind;
  }

  moveTo(reading: Omit<DevicePlace, 'deviceId'>) {
    this.domain = reading.domain;
    this.kind = reading.kind;
    this.siteId = reading.siteId;
    this.ward = reading.ward;
  }
}

/** The id the engine keeps a device's readings, or one kind of its derived readings, under. */
function engineId(deviceId: string, derived: string | undefined): string {
  return derived === undefined ? deviceId : `${deviceId}|${derived}`;
}

const idOf = (device: Device) => device.id;

/** One rule applied to one device: the kind's state, how long the condition has held, and the unresolved alert. */
class Tracker {
  alert: Alert | null = null;
  breaching = false;
  /** Device time the condition entered warning or critical; meaningful while `breaching`. */
  breachSince = 0;
  critical = false;
  criticalSince = 0;
  /** Whether the condition is breaching or an alert is unresolved, as marked in `device.engaged`. */
  engaged = false;
  /** Index in `device.trackers`, `device.levels` and the plan; −1 for camera rules. */
  slot = -1;

  constructor(
    public compiled: CompiledRule,
    public kind: AnyKind,
    public state: unknown,
    public definition: string,
    readonly ruleSetId: string,
    readonly key: string,
    readonly device: Device,
  ) {}

  /** Brings `engaged`, and the tracker's bit in `device.engaged`, up to date; call after `breaching` or `alert` changed. */
  settle() {
    const engaged = this.breaching || this.alert !== null;
    if (engaged === this.engaged) return;
    this.engaged = engaged;
    if (this.slot >= 0 && this.slot < 31) this.device.engaged ^= 1 << this.slot;
  }
}

/**
 * Applies the rule sets in force to readings and keeps the alerts they cause. Pure: no I/O and
 * no clock — time comes from the readings (device time) or from the `now` the caller passes.
 *
 * Several rule sets are in force at once (the defaults, a department's set): each is evaluated
 * as if alone, and an alert belongs to its set (`Alert.ruleSetId`, and its key, see alertKey),
 * so the same rule id in two sets raises two alerts and changing one set leaves the others'
 * alerts alone.
 *
 * The generic part of every rule lives here: which rules apply to a device (compiled once per
 * device, then one map lookup per reading), the minimum duration (`forMs`, device time) before
 * an alert opens or escalates, and one unresolved alert per rule and device, opened, escalated,
 * deescalated and resolved as the kind's level changes. What a rule's condition is belongs to
 * its kind (./kinds).
 */
export class RuleEngine {
  /** The rule sets in force, in the order they were first applied. */
  private sets = new Map<string, IndexedRuleSet>();
  private compiledByRule = new Map<Rule, CompiledEntry>();
  /** ReadingPlans by the rules they hold (their indexes); rebuilt with the rule set. */
  private plans = new Map<string, ReadingPlan>();
  /** By `engineId`: device id, and `${deviceId}|${derived}` for derived readings. */
  private readonly devices = new IdMap(idOf);
  /** Sites whose camera events are counted together, by site id. */
  private readonly sites = new IdMap(idOf);
  /** Trackers with an unresolved alert, by alert key. */
  private readonly open = new Map<string, Tracker>();
  /** Trackers whose kind is time-driven, visited by `tick`. */
  private readonly timed = new Set<Tracker>();
  /** Time of the first tick: when this engine, and so the processor, started. */
  private startedAt = NaN;
  /**
   * Unresolved alerts seen on the bus for rules and devices this engine has no tracker for yet:
   * raised before a restart, or by another instance that had the device's partition. A tracker
   * created for the key takes its alert over, so a breach that persists does not open a second one.
   */
  private readonly known = new Map<string, Alert>();
  /**
   * For keys no tracker held when their alert's resolution by the system came off the bus: the
   * device time it was resolved at. After a crash the processor evaluates again the readings it
   * had not committed, from a checkpoint older than them; those up to this time already had their
   * alert, so they open none (else a high reading of an episode already closed opened it again,
   * under a new id).
   */
  private readonly resolvedUntil = new Map<string, number>();
  /** Rule sets taken out of force and not put back, by id. */
  private readonly removals = new Map<string, RuleSetRemoval>();
  /** Every `Reading.derived` name seen, to find a device's derived readings by id. */
  private readonly derivedNames = new Set<string>();
  /** The metrics of the reading being evaluated. */
  private readonly values = new MetricValues();

  constructor(ruleSets: RuleSet | readonly RuleSet[]) {
    this.index(Array.isArray(ruleSets) ? ruleSets : [ruleSets as RuleSet]);
  }

  /** The rule sets in force, in the order they were first applied. */
  get ruleSets(): RuleSet[] {
    return Array.from(this.sets.values(), ({ ruleSet }) => ruleSet);
  }

  ruleSetById(id: string): RuleSet | undefined {
    return this.sets.get(id)?.ruleSet;
  }

  get openAlertCount(): number {
    return this.open.size;
  }

  /**
   * Puts a rule set in force, beside the others, or replaces the set of the same id. Rules
   * whose id remains in the set keep their alerts and condition tracking (and their state when
   * the type is unchanged); alerts of its rules that no longer apply to a device are resolved at
   * `now` and returned. Other sets' rules and alerts are left as they are.
   */
  putRuleSet(ruleSet: RuleSet, now: number): readonly Alert[] {
    this.removals.delete(ruleSet.id);
    const sets = this.ruleSets;
    const at = sets.findIndex(({ id }) => id === ruleSet.id);
    if (at >= 0) sets[at] = ruleSet;
    else sets.push(ruleSet);
    return this.setRuleSets(sets, now);
  }

  /**
   * Takes a rule set out of force: its open alerts are resolved at `now`, by whoever removed the
   * set and with their reason, and returned. Alerts of the set remembered from the bus for
   * devices this engine does not evaluate are forgotten: whoever evaluates them resolves them.
   */
  removeRuleSet(removal: RuleSetRemoval, now: number): readonly Alert[] {
    this.removals.set(removal.id, removal);
    if (!this.sets.has(removal.id)) return NO_CHANGES;
    for (const [key, alert] of this.known) if (ruleSetOf(alert) === removal.id) this.known.delete(key);
    return this.setRuleSets(
      this.ruleSets.filter((set) => set.id !== removal.id),
      now,
      resolutionOf(removal),
    );
  }

  /**
   * Resolves the unresolved alerts remembered from the bus whose rule set was removed (see
   * removeRuleSet), and returns them: alerts no instance resolved because the one that held
   * them stopped before its resolutions were on the bus. Call it once `ioc.alerts` has been
   * read to its end at start-up; resolving the same alert again elsewhere is harmless, as
   * snapshots merge.
   */
  resolveAlertsOfRemovedSets(now: number): readonly Alert[] {
    const resolved: Alert[] = [];
    for (const [key, alert] of this.known) {
      const removal = this.removals.get(ruleSetOf(alert));
      if (removal === undefined) continue;
      const { by, comment } = resolutionOf(removal);
      resolved.push(resolveAlert(alert, by, after(alert, now), comment));
      this.known.delete(key);
    }
    return resolved.length === 0 ? NO_CHANGES : resolved;
  }

  /**
   * Puts exactly these rule sets in force (see putRuleSet); alerts of sets left out, and of
   * rules that no longer apply, are resolved at `now` (by `system`, unless `gone` says who) and returned.
   */
  setRuleSets(ruleSets: readonly RuleSet[], now: number, gone: Resolution = RULE_GONE): readonly Alert[] {
    this.index(ruleSets);
    const changes: Alert[] = [];
    for (const device of this.devices.values()) this.assignRules(device, now, changes, gone);
    for (const site of this.sites.values()) this.assignRules(site, now, changes, gone);
    return changes.length === 0 ? NO_CHANGES : changes;
  }

  /**
   * Evaluates one reading; returns the alert snapshots it changed (usually none). A reading no
   * newer than the last one evaluated for its device, by both time and sequence number, is a
   * redelivery and changes nothing. Values outside the device's physical ranges reach only its
   * physical-range rule.
   */
  onReading(reading: Reading): readonly Alert[] {
    let changes = NO_CHANGES;
    const derived = reading.derived;
    const id = engineId(reading.deviceId, derived);
    let device = this.devices.get(id);
    if (device === undefined) {
      device = new Device(reading.deviceId, reading, derived);
      this.devices.set(id, device);
      if (derived !== undefined) this.derivedNames.add(derived);
      this.assignRules(device, reading.ts, []);
    } else if (device.movedBy(reading)) {
      device.moveTo(reading);
      const resolved: Alert[] = [];
      this.assignRules(device, reading.ts, resolved);
      if (resolved.length > 0) changes = resolved;
    }
    const ts = reading.ts;
    if (ts <= device.lastTs && reading.seq <= device.lastSeq) return changes;
    device.lastTs = ts;
    device.lastSeq = reading.seq;

    const plan = device.plan;
    const { metricIndexes, kinds, compiled, low, high } = plan;
    const states = device.states;
    const levels = device.levels;
    const metrics = this.values;
    plan.layout = metrics.read(reading.metrics, plan.layout);
    const { value: values, present } = metrics;
    for (let i = 0; i < plan.size; i++) {
      const m = metricIndexes[i];
      if (m >= 0 && (present[m] === 0 || values[m] < low[m] || values[m] > high[m])) continue;
      // Threshold rules are most of any rule set, and every device has a missing-data and a
      // physical-range rule: called directly, V8 inlines them; the call through `kind` sees
      // every other kind and stays a plain (megamorphic) call.
      const kind = kinds[i];
      const level =
        kind === thresholdKind
          ? thresholdKind.evaluate(compiled[i] as CompiledThreshold, null, reading, metrics, levels[i] as Level)
          : kind === missingDataKind
            ? missingDataKind.evaluate(compiled[i] as CompiledMissingData, states[i] as MissingDataState, reading, metrics, levels[i] as Level)
            : kind === physicalRangeKind
              ? physicalRangeKind.evaluate(compiled[i] as CompiledPhysicalRange, states[i] as PhysicalRangeState, reading, metrics, levels[i] as Level)
              : kind.evaluate(compiled[i], states[i], reading, metrics, levels[i] as Level);
      levels[i] = level;
      if (level === NONE && (i < 31 ? (device.engaged & (1 << i)) === 0 : !device.trackers[i].engaged)) continue;
      const tracker = device.trackers[i];
      const change = this.track(tracker, level, m < 0 ? null : values[m], ts, reading.seq);
      if (change !== null) {
        if (changes === NO_CHANGES) changes = [];
        (changes as Alert[]).push(change);
      }
    }
    return changes;
  }

  /**
   * Evaluates one camera event against the camera rules, counted for the camera and for its
   * site; returns the alert snapshots it changed. Clearing happens in `tick`, once the events
   * stop recurring. An event no newer than the camera's last one, by both time and sequence
   * number, is a redelivery and is not counted again.
   */
  onCameraEvent(event: CameraEvent): readonly Alert[] {
    const changes: Alert[] = [];
    const camera = this.placeOf(this.devices, event.deviceId, event, false, changes);
    if (event.ts <= camera.lastTs && event.seq <= camera.lastSeq) return changes.length === 0 ? NO_CHANGES : changes;
    camera.lastTs = event.ts;
    camera.lastSeq = event.seq;
    this.countEvent(camera, event, changes);
    this.countEvent(this.placeOf(this.sites, event.siteId, event, true, changes), event, changes);
    return changes.length === 0 ? NO_CHANGES : changes;
  }

  /**
   * Runs the time-driven rules at `now` (epoch ms); returns the alert snapshots that changed.
   * The first tick marks the processor's start, from which rules such as missing data wait
   * out their start-up grace: call it on a timer from start-up (or, offline, as device time advances).
   */
  tick(now: number): readonly Alert[] {
    if (Number.isNaN(this.startedAt)) this.startedAt = now;
    let changes = NO_CHANGES;
    for (const tracker of this.timed) {
      const level = tracker.kind.tick!(tracker.compiled, tracker.state, now, this.startedAt);
      if (level === null) continue;
      const change = this.track(tracker, level, null, now, -1);
      if (change !== null) {
        if (changes === NO_CHANGES) changes = [];
        (changes as Alert[]).push(change);
      }
    }
    return changes;
  }

  /**
   * Folds in a snapshot from the bus (an operator acknowledged or resolved, or the engine's own
   * snapshot coming back). A snapshot of an alert no tracker here holds is remembered until a
   * tracker for its rule and device exists, which then continues that alert: replaying
   * `ioc.alerts` through this method before the first reading is how a restarted processor
   * avoids opening a second alert for a breach it had already reported. An
   * operator resolving while the condition still holds starts the condition over: a persisting
   * breach opens a new alert once it has held for the minimum duration again.
   */
  applyAlert(snapshot: Alert): void {
    const tracker = this.open.get(snapshot.key);
    if (tracker === undefined) return this.remember(snapshot);
    if (tracker.alert === null || tracker.alert.id !== snapshot.id) return;
    const merged = mergeAlert(tracker.alert, snapshot);
    if (merged.state !== 'resolved') {
      tracker.alert = merged;
      return;
    }
    tracker.alert = null;
    tracker.breaching = false;
    tracker.critical = false;
    tracker.settle();
    this.open.delete(snapshot.key);
  }

  /** Keeps the latest state of an alert no tracker holds; a tracker of the key already running is the authority and is left alone. */
  private remember(snapshot: Alert) {
    const previous = this.known.get(snapshot.key);
    // Alerts of one key follow one another; a late snapshot of an earlier one changes nothing.
    if (previous !== undefined && previous.id !== snapshot.id && previous.openedAt > snapshot.openedAt) return;
    const latest = previous !== undefined && previous.id === snapshot.id ? mergeAlert(previous, snapshot) : snapshot;
    if (latest.state === 'resolved' && latest.resolvedBy === 'system' && latest.resolvedAt !== undefined && !this.tracks(snapshot)) {
      this.resolvedUntil.set(snapshot.key, Math.max(latest.resolvedAt, this.resolvedUntil.get(snapshot.key) ?? -Infinity));
    }
    if (latest.state === 'resolved') this.known.delete(snapshot.key);
    else if (!this.tracks(snapshot)) this.known.set(snapshot.key, latest);
  }

  private tracks(alert: Alert): boolean {
    return this.devices.get(alert.deviceId)?.trackers.some((tracker) => tracker.key === alert.key) ?? false;
  }

  /** Continues a remembered alert on a new tracker: the condition counts as breached since the alert's evidence says. */
  private adopt(tracker: Tracker) {
    const alert = this.known.get(tracker.key);
    if (alert === undefined) return;
    this.known.delete(tracker.key);
    const since = typeof alert.evidence.since === 'number' ? alert.evidence.since : alert.openedAt;
    tracker.alert = alert;
    tracker.breaching = true;
    tracker.breachSince = since;
    tracker.critical = alert.severity === 'critical';
    tracker.criticalSince = since;
    tracker.settle();
    this.open.set(tracker.key, tracker);
  }

  /** The device's learned report interval, from its rule that learns one (missing data); undefined when none does. */
  reportInterval(deviceId: string): ReportIntervalSnapshot | undefined {
    const device = this.devices.get(deviceId);
    if (device === undefined) return undefined;
    for (const tracker of device.trackers) {
      if (tracker.kind.reportInterval) return tracker.kind.reportInterval(tracker.state);
    }
    return undefined;
  }

  /**
   * Starts watching a device known only from a checkpoint: the processor restarted, or took
   * over the device's partition, and the device has not spoken since. Its rules start from
   * the learned report interval, so a device that stays silent is reported missing. A device
   * already known is left alone.
   */
  watchDevice(place: DevicePlace, reportInterval: ReportIntervalSnapshot): void {
    if (this.devices.has(place.deviceId)) return;
    const device = new Device(place.deviceId, place, undefined);
    this.devices.set(place.deviceId, device);
    this.assignRules(device, reportInterval.lastSeen ?? 0, []);
    for (const tracker of device.trackers) tracker.kind.resumeReportInterval?.(tracker.state, reportInterval);
  }

  /**
   * Stops evaluating what is kept under `id` (as in `checkpoint`): a device and its derived
   * readings, or a camera site, whose records now go to another processor instance, so this one
   * neither waits for them and reports the device missing nor clears its camera alerts. Its
   * unresolved alerts are remembered, to be continued if it comes back here.
   */
  forgetDevice(id: string): void {
    this.forget(this.devices, id);
    for (const derived of this.derivedNames) this.forget(this.devices, engineId(id, derived));
    this.forget(this.sites, id);
  }

  private forget(places: IdMap<Device>, id: string) {
    const device = places.get(id);
    if (device === undefined) return;
    places.delete(id);
    for (const tracker of [...device.trackers, ...device.eventTrackers]) {
      this.timed.delete(tracker);
      if (tracker.alert === null) continue;
      this.open.delete(tracker.key);
      this.known.set(tracker.key, tracker.alert);
    }
  }

  /**
   * The state kept under `id` (see RuleStateCheckpoint): the device's readings, each kind of its
   * derived readings, and the camera events of the site of that id; undefined when the engine
   * holds none. `takenAt` is the caller's clock. Take it after the alert changes of the readings
   * it covers are on the bus: a restored engine skips those readings as redeliveries.
   */
  checkpoint(id: string, takenAt: number): RuleStateCheckpoint | undefined {
    const held: Device[] = [];
    const measured = this.devices.get(id);
    if (measured !== undefined) held.push(measured);
    for (const derived of this.derivedNames) {
      const device = this.devices.get(engineId(id, derived));
      if (device !== undefined) held.push(device);
    }
    const site = this.sites.get(id);
    if (site !== undefined) held.push(site);
    if (held.length === 0) return undefined;
    const place = placeOf(held[0]);
    const ruleSets: Record<string, number> = {};
    for (const { ruleSet } of this.sets.values()) ruleSets[ruleSet.id] = ruleSet.version;
    return { format: RULE_STATE_FORMAT, deviceId: id, takenAt, place, ruleSets, streams: held.map((device) => saveStream(device, place)) };
  }

  /**
   * Continues from a checkpoint: a restarted processor, or one given the device's partition.
   * Call it after `ioc.alerts` was read (applyAlert), before the device's readings. Changes no
   * alert and returns none. A stream the engine already holds as new or newer state of (its last
   * reading no older) is left alone, so restoring the same checkpoint twice, or an older one,
   * changes nothing. A rule's state is dropped, and the rule starts afresh, when the rule's
   * definition changed since (see ruleDefinition), when the rule no longer applies, or when the
   * alert it had open was resolved since (the bus is newer than the checkpoint; continuing its
   * timer or baseline would open the episode again).
   */
  restore(checkpoint: RuleStateCheckpoint): { restored: number; dropped: number } {
    const outcome = { restored: 0, dropped: 0 };
    for (const stream of checkpoint.streams) {
      const place = stream.place ?? checkpoint.place;
      const places = stream.site ? this.sites : this.devices;
      const id = engineId(checkpoint.deviceId, stream.derived);
      let device = places.get(id);
      if (device === undefined) {
        device = new Device(checkpoint.deviceId, { ...place, derived: stream.derived }, stream.derived, stream.site === true);
        places.set(id, device);
        if (stream.derived !== undefined) this.derivedNames.add(stream.derived);
        this.assignRules(device, stream.lastTs ?? 0, []);
      } else if (stream.lastTs === null || device.lastTs >= stream.lastTs) continue;
      device.lastTs = stream.lastTs ?? -Infinity;
      device.lastSeq = stream.lastSeq;
      const trackers = new Map([...device.trackers, ...device.eventTrackers].map((tracker) => [tracker.key, tracker]));
      for (const saved of stream.rules) {
        const tracker = trackers.get(alertKey(saved.rule, device.deviceId, saved.set));
        if (tracker !== undefined && this.restoreRule(tracker, saved)) outcome.restored++;
        else outcome.dropped++;
      }
    }
    return outcome;
  }

  /** Puts a rule's saved state back on its tracker; false when it cannot be used (see `restore`). */
  private restoreRule(tracker: Tracker, saved: SavedRuleState): boolean {
    if (saved.definition !== tracker.definition) return false;
    const alert = tracker.alert;
    if (saved.alertId !== undefined && alert?.id !== saved.alertId) return false;
    let state = tracker.state;
    if (saved.state !== undefined) {
      state = tracker.kind.loadState?.(tracker.compiled, saved.state);
      if (state === undefined) return false;
    }
    tracker.state = state;
    const { device, slot } = tracker;
    if (slot >= 0) device.states[slot] = state;
    if (alert === null || saved.alertId !== undefined) {
      tracker.breaching = saved.breachSince !== undefined;
      tracker.breachSince = saved.breachSince ?? 0;
      tracker.critical = saved.criticalSince !== undefined;
      tracker.criticalSince = saved.criticalSince ?? 0;
    }
    // An alert opened since the checkpoint (taken over from the bus) keeps its timing; its level is at least its severity.
    const level = alert !== null && saved.alertId === undefined ? Math.max(saved.level, alert.severity === 'critical' ? CRITICAL : WARNING) : saved.level;
    if (slot >= 0) device.levels[slot] = level;
    tracker.settle();
    return true;
  }

  /** The unresolved alerts, as last changed here or by an operator. */
  openAlerts(): Alert[] {
    return Array.from(this.open.values(), (tracker) => tracker.alert as Alert);
  }

  /** Compiles the rules of the sets in force; a rule (object) already compiled keeps its compiled form. */
  private index(ruleSets: readonly RuleSet[]) {
    const ids = new Set<string>();
    for (const { id } of ruleSets) {
      if (ids.has(id)) throw new RangeError(`rule set "${id}" is given twice; give each set in force once`);
      ids.add(id);
    }
    const previous = this.compiledByRule;
    this.sets = new Map();
    this.compiledByRule = new Map();
    this.plans = new Map();
    let index = 0;
    for (const ruleSet of ruleSets) {
      const rulesByDomain = new Map<Domain, Rule[]>();
      for (const rule of ruleSet.rules) {
        const kind = RULE_KINDS[rule.type] as AnyKind;
        const known = previous.get(rule);
        const compiled = known?.compiled ?? kind.compile(rule);
        const definition = known?.definition ?? ruleDefinition(rule);
        this.compiledByRule.set(rule, { compiled, kind, index: index++, ruleSetId: ruleSet.id, definition });
        const rules = rulesByDomain.get(rule.domain);
        if (rules) rules.push(rule);
        else rulesByDomain.set(rule.domain, [rule]);
      }
      this.sets.set(ruleSet.id, { ruleSet, rulesByDomain });
    }
  }

  /** The device (or site) a camera event is counted for, created or moved as the event places it; alerts a move ends go to `resolved`. */
  private placeOf(places: IdMap<Device>, id: string, event: CameraEvent, isSite: boolean, resolved: Alert[]): Device {
    let place = places.get(id);
    if (place === undefined) {
      place = new Device(id, event, undefined, isSite);
      places.set(id, place);
      this.assignRules(place, event.ts, []);
    } else if (place.movedBy(event)) {
      place.moveTo(event);
      this.assignRules(place, event.ts, resolved);
    }
    return place;
  }

  private countEvent(place: Device, event: CameraEvent, changes: Alert[]) {
    for (const tracker of place.eventTrackers) {
      const level = tracker.kind.onEvent!(tracker.compiled, tracker.state, event);
      if (level === null) continue;
      const change = this.track(tracker, level, null, event.ts, event.seq);
      if (change !== null) changes.push(change);
    }
  }

  /**
   * (Re)computes the device's trackers from the rule sets in force, carrying over those whose
   * rule id remains in their set; alerts of the others are resolved as `gone` says.
   */
  private assignRules(device: Device, now: number, resolved: Alert[], gone = RULE_GONE) {
    const previous = new Map([...device.trackers, ...device.eventTrackers].map((tracker) => [tracker.key, tracker]));
    const trackers: Tracker[] = [];
    const eventTrackers: Tracker[] = [];
    let { low, high } = CATALOGUE_RANGES;
    let planKey = '';
    const keepsState = new Set<Tracker>();
    for (const rule of this.rulesFor(device)) {
      const { compiled, kind, index, ruleSetId, definition } = this.compiledByRule.get(rule)!;
      // A site takes only the camera rules that count per site; a camera only those that count per camera.
      if (compiled.eventGroup !== undefined ? (compiled.eventGroup === 'site') !== device.isSite : device.isSite) continue;
      planKey += `${index},`;
      const key = alertKey(rule.id, device.deviceId, ruleSetId);
      let tracker = previous.get(key);
      if (tracker === undefined) {
        tracker = new Tracker(compiled, kind, kind.createState(compiled), definition, ruleSetId, key, device);
        this.adopt(tracker);
      } else {
        previous.delete(key);
        if (tracker.compiled.rule.type !== rule.type) tracker.state = kind.createState(compiled);
        else keepsState.add(tracker);
        tracker.compiled = compiled;
        tracker.kind = kind;
        tracker.definition = definition;
      }
      if (kind.tick) this.timed.add(tracker);
      else this.timed.delete(tracker);
      if (compiled.ranges) ({ low, high } = compiled.ranges);
      (kind.onEvent ? eventTrackers : trackers).push(tracker);
    }
    for (const tracker of previous.values()) {
      this.timed.delete(tracker);
      if (tracker.alert !== null) resolved.push(this.resolve(tracker, null, now, gone));
    }
    device.trackers = trackers;
    device.eventTrackers = eventTrackers;
    const levels = new Uint8Array(trackers.length);
    device.engaged = 0;
    for (const [i, tracker] of trackers.entries()) {
      // A rule that keeps its state (same id and type) keeps its level; a new or retyped one starts at NONE.
      if (tracker.slot >= 0 && keepsState.has(tracker)) levels[i] = device.levels[tracker.slot];
      tracker.slot = i;
      if (tracker.engaged && i < 31) device.engaged |= 1 << i;
    }
    for (const tracker of eventTrackers) tracker.slot = -1;
    device.levels = levels;
    let plan = this.plans.get(planKey);
    if (plan === undefined) {
      plan = new ReadingPlan(trackers, low, high);
      this.plans.set(planKey, plan);
    }
    device.plan = plan;
    device.states = trackers.map((tracker) => tracker.state);
  }

  /** The rules of every set in force that apply to the device: in each set, the narrowest entry of each rule id. */
  private rulesFor(device: Device): Rule[] {
    const rules: Rule[] = [];
    for (const { rulesByDomain } of this.sets.values()) {
      const ofDomain = rulesByDomain.get(device.domain);
      if (ofDomain !== undefined) rules.push(...selectRules(ofDomain, device));
    }
    return rules;
  }

  /** Moves the tracker's condition to `level` at device time `ts`; returns the alert snapshot if the alert changed. */
  private track(tracker: Tracker, level: Level, value: number | null, ts: number, seq: number): Alert | null {
    const change = this.advance(tracker, level, value, ts, seq);
    tracker.settle();
    return change;
  }

  private advance(tracker: Tracker, level: Level, value: number | null, ts: number, seq: number): Alert | null {
    if (level === NONE) {
      tracker.breaching = false;
      tracker.critical = false;
      // A reading from before the alert opened does not end it: after a crash the processor
      // evaluates its uncommitted readings again, and an alert taken over from the bus may be
      // newer than the first of them.
      return tracker.alert === null || ts < tracker.alert.openedAt ? null : this.resolve(tracker, value, ts);
    }
    // A device clock set back restarts the duration rather than stretching it.
    if (!tracker.breaching || ts < tracker.breachSince) {
      tracker.breaching = true;
      tracker.breachSince = ts;
    }
    if (level === CRITICAL) {
      if (!tracker.critical || ts < tracker.criticalSince) {
        tracker.critical = true;
        tracker.criticalSince = ts;
      }
    } else tracker.critical = false;

    const forMs = tracker.compiled.forMs;
    const criticalHeld = tracker.critical && ts - tracker.criticalSince >= forMs;
    const alert = tracker.alert;
    if (alert === null) {
      if (ts - tracker.breachSince < forMs) return null;
      if (ts <= (this.resolvedUntil.get(tracker.key) ?? -Infinity)) return null;
      return this.openAlert(tracker, criticalHeld ? CRITICAL : WARNING, value, ts, seq);
    }
    if (alert.severity === 'warning') return criticalHeld ? this.change(tracker, CRITICAL, 'escalated', value, ts) : null;
    return level === WARNING ? this.change(tracker, WARNING, 'deescalated', value, ts) : null;
  }

  private openAlert(tracker: Tracker, level: AlertLevel, value: number | null, ts: number, seq: number): Alert {
    const { compiled, device } = tracker;
    const { rule, metric } = compiled;
    const alert: Alert = {
      id: alertId(tracker.key, ts, seq),
      key: tracker.key,
      ruleSetId: tracker.ruleSetId,
      ruleId: rule.id,
      ruleVersion: rule.version,
      ruleType: rule.type,
      domain: device.domain,
      deviceId: device.deviceId,
      siteId: device.siteId,
      ward: device.ward,
      ...(metric === null ? {} : { metric }),
      severity: level === CRITICAL ? 'critical' : 'warning',
      state: 'open',
      lastChange: 'opened',
      openedAt: ts,
      updatedAt: ts,
      value,
      evidence: this.evidence(tracker, level, value),
      message: tracker.kind.message(compiled, tracker.state, level, value, device),
    };
    tracker.alert = alert;
    this.open.set(tracker.key, tracker);
    return alert;
  }

  private change(tracker: Tracker, level: AlertLevel, change: AlertChange, value: number | null, ts: number): Alert {
    const alert = tracker.alert as Alert;
    const next: Alert = {
      ...alert,
      ruleVersion: tracker.compiled.rule.version,
      severity: level === CRITICAL ? 'critical' : 'warning',
      lastChange: change,
      updatedAt: after(alert, ts),
      value,
      evidence: this.evidence(tracker, level, value),
      message: tracker.kind.message(tracker.compiled, tracker.state, level, value, tracker.device),
    };
    tracker.alert = next;
    return next;
  }

  private resolve(tracker: Tracker, value: number | null, ts: number, resolution?: Resolution): Alert {
    const alert = tracker.alert as Alert;
    const resolved = resolveAlert(alert, resolution?.by ?? 'system', after(alert, ts), resolution?.comment);
    if (value !== null) resolved.value = value;
    tracker.alert = null;
    this.open.delete(tracker.key);
    return resolved;
  }

  private evidence(tracker: Tracker, level: AlertLevel, value: number | null): Record<string, unknown> {
    const { rule } = tracker.compiled;
    return {
      ...tracker.kind.evidence(tracker.compiled, tracker.state, level, value),
      ruleId: rule.id,
      ruleVersion: rule.version,
      since: tracker.breachSince,
    };
  }
}

function resolutionOf(removal: RuleSetRemoval): Resolution {
  return { by: removal.removedBy, comment: removal.reason === undefined ? RULE_SET_REMOVED_COMMENT : `${RULE_SET_REMOVED_COMMENT}: ${removal.reason}` };
}

function placeOf(device: Device): RuleStateCheckpoint['place'] {
  return { domain: device.domain, kind: device.kind, siteId: device.siteId, ward: device.ward };
}

function saveStream(device: Device, place: RuleStateCheckpoint['place']): SavedStream {
  const own = placeOf(device);
  const samePlace = own.domain === place.domain && own.kind === place.kind && own.siteId === place.siteId && own.ward === place.ward;
  return {
    ...(device.derived === undefined ? {} : { derived: device.derived }),
    ...(device.isSite ? { site: true as const } : {}),
    ...(samePlace ? {} : { place: own }),
    lastTs: Number.isFinite(device.lastTs) ? device.lastTs : null,
    lastSeq: device.lastSeq,
    rules: [...device.trackers, ...device.eventTrackers].filter(remembers).map(saveRule),
  };
}

/** Whether a rule has anything a checkpoint must keep: a level, a breach, an alert or its kind's memory. */
function remembers(tracker: Tracker): boolean {
  return tracker.engaged || tracker.kind.saveState !== undefined || (tracker.slot >= 0 && tracker.device.levels[tracker.slot] !== NONE);
}

function saveRule(tracker: Tracker): SavedRuleState {
  const { device, slot } = tracker;
  const saved: SavedRuleState = {
    set: tracker.ruleSetId,
    rule: tracker.compiled.rule.id,
    definition: tracker.definition,
    level: slot >= 0 ? (device.levels[slot] as Level) : NONE,
  };
  if (tracker.breaching) saved.breachSince = tracker.breachSince;
  if (tracker.critical) saved.criticalSince = tracker.criticalSince;
  if (tracker.alert !== null) saved.alertId = tracker.alert.id;
  if (tracker.kind.saveState) saved.state = tracker.kind.saveState(tracker.state);
  return saved;
}

/**
 * The updatedAt of the alert's next snapshot. Device time can lag the wall-clock time of an
 * operator's acknowledgement; a snapshot must still be newer than the one it follows, or
 * mergeAlert would keep the older severity and value.
 */
function after(alert: Alert, ts: number): number {
  return ts > alert.updatedAt ? ts : alert.updatedAt + 1;
}
