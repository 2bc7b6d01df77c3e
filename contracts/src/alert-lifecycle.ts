import type { Alert, AlertState } from './alert.js';

/**
 * The alert state machine, pure. Operators move an alert open → acknowledged → resolved; the
 * processor resolves it when the value returns to normal, acknowledged or not. A resolved alert
 * never reopens: a new breach opens a new alert with a new id.
 */
const RANK: Record<AlertState, number> = { open: 0, acknowledged: 1, resolved: 2 };

export class AlertTransitionError extends Error {
  constructor(
    readonly from: AlertState,
    readonly to: 'acknowledged' | 'resolved',
  ) {
    super(`an alert that is ${from} cannot be ${to}`);
  }
}

export function acknowledgeAlert(alert: Alert, by: string, at: number, comment: string): Alert {
  if (alert.state !== 'open') throw new AlertTransitionError(alert.state, 'acknowledged');
  return {
    ...alert,
    state: 'acknowledged',
    lastChange: 'acknowledged',
    updatedAt: at,
    acknowledgedAt: at,
    acknowledgedBy: by,
    acknowledgeComment: comment,
  };
}

/** `by` is `system` when the processor saw the value return to normal. */
export function resolveAlert(alert: Alert, by: string, at: number, comment?: string): Alert {
  if (alert.state === 'resolved') throw new AlertTransitionError(alert.state, 'resolved');
  return {
    ...alert,
    state: 'resolved',
    lastChange: 'resolved',
    updatedAt: at,
    resolvedAt: at,
    resolvedBy: by,
    ...(comment === undefined ? {} : { resolveComment: comment }),
  };
}

/**
 * Folds two snapshots of the same alert (same id) into one. Snapshots arrive from several
 * writers (processors change severity and resolve, dashboards acknowledge) and may repeat or
 * arrive out of order; the result keeps the furthest state, every acknowledgement and
 * resolution detail, and the newest severity and value. Merging is idempotent and commutative.
 */
export function mergeAlert(current: Alert | undefined, incoming: Alert): Alert {
  if (!current) return incoming;
  const newer = incoming.updatedAt > current.updatedAt || (incoming.updatedAt === current.updatedAt && RANK[incoming.state] >= RANK[current.state]) ? incoming : current;
  const older = newer === incoming ? current : incoming;
  const state = RANK[incoming.state] >= RANK[current.state] ? incoming.state : current.state;
  return {
    ...older,
    ...newer,
    state,
    lastChange: RANK[newer.state] >= RANK[older.state] ? newer.lastChange : older.lastChange,
    openedAt: Math.min(current.openedAt, incoming.openedAt),
    updatedAt: Math.max(current.updatedAt, incoming.updatedAt),
    ...acknowledgement(earliest(current, incoming, 'acknowledgedAt', 'acknowledgedBy')),
    ...resolution(earliest(current, incoming, 'resolvedAt', 'resolvedBy')),
  };
}

/**
 * When two replicas acknowledge (or resolve) the same alert at once, every replica must keep the
 * same one whatever the arrival order: the earliest wins, ties broken by user name.
 */
function earliest(a: Alert, b: Alert, at: 'acknowledgedAt' | 'resolvedAt', by: 'acknowledgedBy' | 'resolvedBy'): Alert {
  if (a[at] === undefined) return b;
  if (b[at] === undefined) return a;
  if (a[at] !== b[at]) return a[at] < b[at] ? a : b;
  return (a[by] ?? '') <= (b[by] ?? '') ? a : b;
}

function acknowledgement(alert: Alert) {
  return { acknowledgedAt: alert.acknowledgedAt, acknowledgedBy: alert.acknowledgedBy, acknowledgeComment: alert.acknowledgeComment };
}

function resolution(alert: Alert) {
  return { resolvedAt: alert.resolvedAt, resolvedBy: alert.resolvedBy, resolveComment: alert.resolveComment };
}

export function isUnresolved(alert: Alert): boolean {
  return alert.state !== 'resolved';
}
