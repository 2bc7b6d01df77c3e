import type { BilingualText, CameraEvent, DeviceKind, Domain, MetricName, Reading, Rule, RuleType } from '../../../contracts/src/index.js';
import type { ReportIntervalSnapshot } from '../anomaly/report-interval.js';
import type { MetricValues } from './metric-values.js';
import type { MetricRanges } from './physical-ranges.js';

/** How far a rule's condition is breached for one device. */
export type Level = 0 | 1 | 2;
export const NONE = 0;
export const WARNING = 1;
export const CRITICAL = 2;
/** The levels an alert can have: warning or critical. */
export type AlertLevel = 1 | 2;

/**
 * The device an alert is about. A Reading is one; time-driven alerts take it from the device's
 * last reading. Camera rules counted per site use the site as the place (`deviceId` = `siteId`).
 */
export interface DevicePlace {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly kind: DeviceKind;
  readonly siteId: string;
  readonly ward: string;
  /** Set for the processor's derived readings of the device (`Reading.derived`). */
  readonly derived?: string;
}

/** What every kind's compiled rule carries for the engine. Kinds extend it with their precomputed parameters. */
export interface CompiledRule<R extends Rule = Rule> {
  readonly rule: R;
  /** The metric the rule evaluates; null when the kind reads the whole reading (or none). */
  readonly metric: MetricName | null;
  /** The metric's index (METRIC_INDEX), where `evaluate` finds its value in MetricValues; −1 when `metric` is null. */
  readonly metricIndex: number;
  /** Minimum duration, device-time milliseconds, the condition must hold before an alert opens or escalates. */
  readonly forMs: number;
  /**
   * Set by the physical-range kind: the values the device's sensors can produce. The engine
   * keeps values outside them away from every other rule of the device, so a broken sensor
   * neither trips a limit nor poisons a statistical window.
   */
  readonly ranges?: MetricRanges;
  /** Set by camera kinds: events are counted per camera (`device`) or per site. */
  readonly eventGroup?: 'device' | 'site';
}

/**
 * One type of rule. The engine does the generic part once for every kind: choosing the rules
 * that apply to a device, keeping one state per rule and device, the minimum duration, and the
 * alert lifecycle (open, escalate, deescalate, resolve). A kind only says how breached its
 * condition is.
 *
 * Contract with the engine:
 * - `compile` runs once per rule when a rule set is loaded; do the parsing and precomputing there.
 * - `createState` runs once per rule and device. When a new rule set keeps a rule's id and type,
 *   the state is kept, so `evaluate` must accept state built under the rule's previous parameters.
 * - `evaluate` is the hot path (millions of calls a second): no allocation, no closures, no
 *   string building. Readings arrive per device in device order; after a device's clock is set
 *   back `reading.ts` may go back once. The rule's value is `metrics.value[rule.metricIndex]`
 *   (the engine calls evaluate only when the reading has the metric, within the device's
 *   physical ranges). Numbers are read there and from `reading` rather than passed: V8
 *   allocates a number passed to a function it does not inline, and most kinds are called
 *   through this interface. `previous` is the level `evaluate` returned for this rule
 *   and device the time before (NONE the first time, and after the rule's type changed): the
 *   engine keeps it beside the device's other levels, so a kind whose only memory is the
 *   previous level needs no state of its own and the hot path reads one object less.
 *   Hysteresis belongs here: return the level the condition is at, from `previous` and whatever
 *   other memory the kind keeps in `state`. A kind that reads the whole reading's metrics reads
 *   them from `metrics` too, not from `reading.metrics`: there each read of a number by a
 *   computed name allocates (see MetricValues).
 * - `onEvent`, for kinds driven by camera events instead of readings; such kinds never see
 *   readings. Return null to leave the level as it is.
 * - `tick`, for time-driven kinds (missing data, camera clear-after), runs on the processor's
 *   timer with the current time and the time of the engine's first tick (when this processor
 *   started); return null to leave the level as it is.
 * - `evidence` and `message` run only when an alert changes; they may allocate.
 * - `reportInterval` and `resumeReportInterval`, for kinds that learn how often a device reports
 *   (missing data): what the processor checkpoints per device, and how a restarted or
 *   rebalanced processor continues from the checkpoint.
 * - `saveState` and `loadState`, for kinds with a memory of their own (windows, baselines,
 *   counts): the state as plain JSON for a rule-state checkpoint (one of the Saved* shapes in
 *   contracts/src/rule-state.ts), and the state again from it, under the same rule definition;
 *   `loadState` validates what it reads and returns undefined when it cannot use it. Kinds
 *   without them keep nothing that the next reading does not set again.
 */
export interface RuleKind<R extends Rule, C extends CompiledRule<R>, S> {
  compile(rule: R): C;
  createState(rule: C): S;
  evaluate(rule: C, state: S, reading: Reading, metrics: MetricValues, previous: Level): Level;
  onEvent?(rule: C, state: S, event: CameraEvent): Level | null;
  tick?(rule: C, state: S, now: number, startedAt: number): Level | null;
  /** What the value was compared with, for the operator; the engine adds rule id, version and breach start. */
  evidence(rule: C, state: S, level: AlertLevel, value: number | null): Record<string, unknown>;
  /** One sentence in Vietnamese and English an operator understands without opening the rule. */
  message(rule: C, state: S, level: AlertLevel, value: number | null, place: DevicePlace): BilingualText;
  reportInterval?(state: S): ReportIntervalSnapshot;
  resumeReportInterval?(state: S, snapshot: ReportIntervalSnapshot): void;
  saveState?(state: S): unknown;
  loadState?(rule: C, saved: unknown): S | undefined;
}

/** Every rule type has exactly one kind: adding a type to RuleSchema fails to compile until its kind is registered. */
export type RuleKindRegistry = { readonly [T in RuleType]: RuleKind<Extract<Rule, { type: T }>, CompiledRule<Extract<Rule, { type: T }>>, unknown> };

/** The alert level of a rule with one `severity` (the windowed, data-quality and camera rules). */
export function severityLevel(severity: 'warning' | 'critical'): AlertLevel {
  return severity === 'critical' ? CRITICAL : WARNING;
}
