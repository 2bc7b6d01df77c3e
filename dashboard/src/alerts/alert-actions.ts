import { dashboardError } from '../errors.js';
import {
  AlertTransitionError,
  BUS_TOPICS,
  acknowledgeAlert,
  mergeAlert,
  resolveAlert,
  type Alert,
  type AuditAction,
} from '../../../contracts/src/index.js';
import type { Bus } from '../../../platform/src/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Session } from '../auth/tokens.js';
import { heldAlert, recordAlerts } from '../record/alert-history.js';
import type { OperationsRecord } from '../record/open-record.js';
import type { AlertStore } from './alert-store.js';

export interface AlertActionsDeps {
  alerts: AlertStore;
  record: OperationsRecord;
  bus: Bus;
  auditLog: AuditLog;
  /** Folds a new snapshot into the store and tells live clients. */
  apply: (alert: Alert) => void;
  now: () => number;
}

/**
 * What operators do to alerts. Each action is audited, then published on `ioc.alerts` as a full
 * snapshot so every dashboard replica and the processor see it, and added to the alert history. The audit entry is written first:
 * an action must never take effect without its record; if publishing then fails, the operator is
 * told and the record shows an attempt that can be retried.
 */
export class AlertActions {
  /** Actions on one alert run one at a time, so two operators cannot both acknowledge it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: AlertActionsDeps) {}

  acknowledge(id: string, session: Session, comment: string): Promise<Alert> {
    return this.act(id, session, comment, 'alert.acknowledge', (alert, at) => acknowledgeAlert(alert, session.username, at, comment));
  }

  resolve(id: string, session: Session, comment: string): Promise<Alert> {
    return this.act(id, session, comment, 'alert.resolve', (alert, at) => resolveAlert(alert, session.username, at, comment));
  }

  private act(id: string, session: Session, comment: string, action: AuditAction, change: (alert: Alert, at: number) => Alert): Promise<Alert> {
    const previous = this.inFlight.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      // The record may already hold another replica's action that this one's bus feed has not brought yet.
      const live = this.deps.alerts.get(id);
      const recorded = await heldAlert(this.deps.record.db, id);
      const current = recorded ? mergeAlert(live, recorded) : live;
      if (!current) throw dashboardError('IOC_ALERT_NOT_FOUND', [id]);
      const at = this.deps.now();
      const next = transition(() => change(current, at));
      await this.deps.auditLog.record({
        at,
        actor: session.username,
        role: session.role,
        action,
        target: id,
        comment,
        details: { alertKey: current.key, siteId: current.siteId, severity: current.severity, from: current.state, to: next.state },
      });
      await this.deps.bus.publish(BUS_TOPICS.alerts, [{ key: next.key, value: next }]);
      // In the record before the answer, so any replica's history shows it at once.
      await recordAlerts(this.deps.record, [next]);
      this.deps.apply(next);
      return next;
    });
    this.inFlight.set(id, run);
    void run.finally(() => {
      if (this.inFlight.get(id) === run) this.inFlight.delete(id);
    }).catch(() => undefined);
    return run;
  }
}

function transition(change: () => Alert): Alert {
  try {
    return change();
  } catch (error) {
    if (error instanceof AlertTransitionError) throw dashboardError('IOC_ALERT_TRANSITION', [error.from, error.to]);
    throw error;
  }
}
