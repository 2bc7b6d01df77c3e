import { isUnresolved, mergeAlert, type Alert, type AlertState } from '../../../contracts/src/index.js';

export type AlertFilter = AlertState | 'unresolved';

export interface AlertStoreOptions {
  /** How long a resolved alert stays listed after it was resolved. */
  resolvedRetentionMs: number;
  /** Resolved alerts kept at most; the longest-resolved go first. */
  maxResolved: number;
  /** Ids of forgotten resolved alerts remembered at most, so a late copy cannot bring one back. */
  maxForgotten: number;
}

/**
 * The alerts a dashboard shows, folded from the snapshots on `ioc.alerts` with `mergeAlert`.
 * Unresolved alerts stay until resolved; resolved ones stay a while for the record, in bounded
 * memory. Pure: the caller passes the time.
 */
export class AlertStore {
  private readonly alerts = new Map<string, Alert>();
  /** Resolved alert ids in the order they were resolved here, oldest first. */
  private readonly resolvedOrder = new Set<string>();
  private readonly forgotten = new Set<string>();
  private readonly options: AlertStoreOptions;

  constructor(options: Partial<AlertStoreOptions> = {}) {
    this.options = { resolvedRetentionMs: 60 * 60_000, maxResolved: 1000, maxForgotten: 100_000, ...options };
  }

  /** Folds a snapshot in; returns the alert as it now stands, or null when nothing changed. */
  apply(snapshot: Alert, now: number): Alert | null {
    if (this.forgotten.has(snapshot.id)) return null;
    const current = this.alerts.get(snapshot.id);
    const merged = mergeAlert(current, snapshot);
    if (current && sameAlert(current, merged)) return null;
    this.alerts.set(merged.id, merged);
    if (!isUnresolved(merged)) this.resolvedOrder.add(merged.id);
    this.prune(now);
    return this.alerts.has(merged.id) ? merged : null;
  }

  get(id: string): Alert | undefined {
    return this.alerts.get(id);
  }

  /** Newest first (by when the alert opened). */
  list(filter: AlertFilter, now: number): Alert[] {
    this.prune(now);
    const matches = [...this.alerts.values()].filter((alert) => (filter === 'unresolved' ? isUnresolved(alert) : alert.state === filter));
    return matches.sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? -1 : 1));
  }

  private prune(now: number) {
    for (const id of this.resolvedOrder) {
      const alert = this.alerts.get(id)!;
      const expired = now - (alert.resolvedAt ?? alert.updatedAt) > this.options.resolvedRetentionMs;
      if (!expired && this.resolvedOrder.size <= this.options.maxResolved) break;
      this.forget(id);
    }
  }

  private forget(id: string) {
    this.resolvedOrder.delete(id);
    this.alerts.delete(id);
    this.forgotten.add(id);
    if (this.forgotten.size > this.options.maxForgotten) this.forgotten.delete(this.forgotten.values().next().value as string);
  }
}

function sameAlert(a: Alert, b: Alert): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Alert>;
  for (const key of keys) if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return false;
  return true;
}
