import type { Alert, AlertChange, AlertSeverity, Reading, RuleSet } from '../../../contracts/src/index.js';
import { Derivations } from '../../../rule-core/src/index.js';
import { RuleEngine } from '../../../rule-core/src/index.js';

/** One alert the rules would have raised, from opening to resolution. */
export interface BacktestAlert {
  id: string;
  key: string;
  ruleId: string;
  ruleVersion: number;
  ruleType: string;
  domain: Alert['domain'];
  deviceId: string;
  siteId: string;
  ward: string;
  metric: string | null;
  /** The highest severity the alert reached. */
  severity: AlertSeverity;
  openedAt: number;
  /** Null when the alert was still open at the end of the recording. */
  resolvedAt: number | null;
  value: number | null;
  /** What the opening value was compared with. */
  evidence: Record<string, unknown>;
  message: Alert['message'];
  changes: Array<{ at: number; change: AlertChange; severity: AlertSeverity; value: number | null }>;
}

export interface BacktestSummary {
  readings: number;
  derivedReadings: number;
  devices: number;
  firstReadingAt: number | null;
  lastReadingAt: number | null;
  alerts: number;
  openAtEnd: number;
  bySeverity: Record<AlertSeverity, number>;
  /** Alerts per rule id, rule ids in alphabetical order. */
  byRule: Record<string, number>;
}

export interface BacktestReport {
  ruleSet: { id: string; version: number };
  summary: BacktestSummary;
  alerts: BacktestAlert[];
}

export interface BacktestOptions {
  /** How often time-driven rules (missing data, camera clear-after) run, in recording time. */
  tickSeconds?: number;
  /** Called every `progressEvery` readings with the count so far. */
  onProgress?: (readings: number) => void;
  progressEvery?: number;
}

/**
 * Runs a rule set over a recording offline, through the same RuleEngine the processor runs,
 * and returns every alert it would have raised. Time comes only from the recording: the timer
 * rules tick every `tickSeconds` of the readings' `receivedAt` as the recording advances (the
 * first tick, at the first reading, is the processor's start), so the same recording and rules
 * always give the same report. When a rule uses derived readings (`derived`), hourly means and
 * VN_AQI are computed from the recording as the processor would publish them.
 */
export async function runBacktest(ruleSet: RuleSet, readings: AsyncIterable<Reading> | Iterable<Reading>, options: BacktestOptions = {}): Promise<BacktestReport> {
  const engine = new RuleEngine(ruleSet);
  const derivations = ruleSet.rules.some((rule) => rule.derived !== undefined) ? new Derivations() : undefined;
  const tickMs = (options.tickSeconds ?? 60) * 1000;
  const progressEvery = options.progressEvery ?? 100_000;
  const alerts = new Map<string, BacktestAlert>();
  const devices = new Set<string>();
  let count = 0;
  let derivedCount = 0;
  let first: number | null = null;
  let last: number | null = null;
  let nextTick = NaN;

  const record = (changes: readonly Alert[]) => {
    for (const change of changes) {
      let alert = alerts.get(change.id);
      if (alert === undefined) {
        alert = {
          id: change.id,
          key: change.key,
          ruleId: change.ruleId,
          ruleVersion: change.ruleVersion,
          ruleType: change.ruleType,
          domain: change.domain,
          deviceId: change.deviceId,
          siteId: change.siteId,
          ward: change.ward,
          metric: change.metric ?? null,
          severity: change.severity,
          openedAt: change.openedAt,
          resolvedAt: null,
          value: change.value,
          evidence: change.evidence,
          message: change.message,
          changes: [],
        };
        alerts.set(change.id, alert);
      }
      if (change.severity === 'critical') alert.severity = 'critical';
      if (change.state === 'resolved') alert.resolvedAt = change.resolvedAt ?? change.updatedAt;
      alert.changes.push({ at: change.updatedAt, change: change.lastChange, severity: change.severity, value: change.value });
    }
  };
  const evaluate = (reading: Reading) => {
    const changes = engine.onReading(reading);
    if (changes.length > 0) record(changes);
  };

  for await (const reading of readings) {
    const now = reading.receivedAt;
    if (Number.isNaN(nextTick)) nextTick = now;
    while (now >= nextTick) {
      record(engine.tick(nextTick));
      nextTick += tickMs;
    }
    devices.add(reading.deviceId);
    count++;
    if (first === null || reading.ts < first) first = reading.ts;
    if (last === null || reading.ts > last) last = reading.ts;
    evaluate(reading);
    if (derivations) {
      for (const derived of derivations.add(reading)) {
        derivedCount++;
        evaluate(derived);
      }
    }
    if (options.onProgress && count % progressEvery === 0) options.onProgress(count);
  }
  if (derivations) {
    for (const derived of derivations.flush()) {
      derivedCount++;
      evaluate(derived);
    }
  }

  const list = [...alerts.values()];
  const bySeverity: Record<AlertSeverity, number> = { warning: 0, critical: 0 };
  const byRule: Record<string, number> = {};
  for (const alert of list) {
    bySeverity[alert.severity]++;
    byRule[alert.ruleId] = (byRule[alert.ruleId] ?? 0) + 1;
  }
  return {
    ruleSet: { id: ruleSet.id, version: ruleSet.version },
    summary: {
      readings: count,
      derivedReadings: derivedCount,
      devices: devices.size,
      firstReadingAt: first,
      lastReadingAt: last,
      alerts: list.length,
      openAtEnd: list.filter((alert) => alert.resolvedAt === null).length,
      bySeverity,
      byRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    alerts: list,
  };
}
