import { sql, type Kysely, type Selectable } from 'kysely';
import { AlertSchema, mergeAlert, ruleSetOf, type Alert, type AlertChange } from '../../../contracts/src/index.js';
import { alertSearchText, foldText } from './alert-text.js';
import type { OperationsRecord } from './open-record.js';
import type { AlertEventsTable, AlertsTable, RecordSchema } from './schema.js';

/** One step of an alert's life, as `GET /api/alerts` returns it. */
export interface AlertLifecycleEntry {
  change: AlertChange;
  at: number;
  /** Who acknowledged or resolved it (`system` when the value returned to normal). */
  by?: string;
  comment?: string;
  severity: Alert['severity'];
  value: number | null;
}

export type AlertWithHistory = Alert & { lifecycle: AlertLifecycleEntry[] };

export interface AlertQuery {
  /** Alerts active at some moment in [from, to] (epoch ms): opened by `to`, not resolved before `from`. */
  from?: number;
  to?: number;
  state?: 'open' | 'acknowledged' | 'resolved' | 'unresolved';
  domain?: string;
  ward?: string;
  /** A site id or device id. */
  station?: string;
  severity?: Alert['severity'];
  rule?: string;
  ruleSet?: string;
  /** Words to find in ids, ward, metric, messages and comments (case and diacritics ignored). */
  text?: string;
  offset: number;
  limit: number;
}

export interface AlertPage {
  total: number;
  offset: number;
  limit: number;
  alerts: AlertWithHistory[];
}

/**
 * Folds alert snapshots into the record: each alert as it stands (merged with `mergeAlert`, so
 * the order and repetition of at-least-once delivery change nothing) and its lifecycle steps,
 * each with an id derived from the alert and the step so that replicas and redeliveries write it
 * once. A batch is one transaction under the `alerts` write lock, folded in memory first and
 * written with a few multi-row statements (a restarted dashboard reads all of ioc.alerts again).
 */
export async function recordAlerts(record: OperationsRecord, snapshots: readonly Alert[]): Promise<void> {
  if (snapshots.length === 0) return;
  await record.write('alerts', async (trx) => {
    const ids = [...new Set(snapshots.map((alert) => alert.id))];
    const alerts = new Map<string, Alert>();
    for (const part of chunks(ids)) {
      for (const row of await trx.selectFrom('alerts').select(['id', 'snapshot']).where('id', 'in', part).execute()) {
        alerts.set(row.id, AlertSchema.parse(JSON.parse(row.snapshot)));
      }
    }
    const steps = new LifecycleSteps();
    for (const snapshot of snapshots) {
      const merged = mergeAlert(alerts.get(snapshot.id), snapshot);
      alerts.set(merged.id, merged);
      steps.add(snapshot, merged);
    }
    const changed = ids.map((id) => alertRow(alerts.get(id)!));
    for (const part of chunks(changed)) {
      await trx
        .insertInto('alerts')
        .values(part)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            key: eb.ref('excluded.key'),
            rule_set_id: eb.ref('excluded.rule_set_id'),
            rule_id: eb.ref('excluded.rule_id'),
            domain: eb.ref('excluded.domain'),
            device_id: eb.ref('excluded.device_id'),
            site_id: eb.ref('excluded.site_id'),
            ward: eb.ref('excluded.ward'),
            metric: eb.ref('excluded.metric'),
            severity: eb.ref('excluded.severity'),
            state: eb.ref('excluded.state'),
            opened_at: eb.ref('excluded.opened_at'),
            updated_at: eb.ref('excluded.updated_at'),
            resolved_at: eb.ref('excluded.resolved_at'),
            search_text: eb.ref('excluded.search_text'),
            snapshot: eb.ref('excluded.snapshot'),
          })),
        )
        .execute();
    }
    await steps.write(trx);
  });
}

function alertRow(alert: Alert): AlertsTable {
  return {
    id: alert.id,
    key: alert.key,
    rule_set_id: ruleSetOf(alert),
    rule_id: alert.ruleId,
    domain: alert.domain,
    device_id: alert.deviceId,
    site_id: alert.siteId,
    ward: alert.ward,
    metric: alert.metric ?? null,
    severity: alert.severity,
    state: alert.state,
    opened_at: alert.openedAt,
    updated_at: alert.updatedAt,
    resolved_at: alert.resolvedAt ?? null,
    search_text: alertSearchText(alert),
    snapshot: JSON.stringify(alert),
  };
}

/**
 * The lifecycle steps a batch adds. Opening, escalating and de-escalating come from the snapshot
 * that made them (one entry per change and time); the acknowledgement and resolution from the
 * merged alert, since when two replicas act at once the merge decides which one stands.
 * How a step already held is treated:
 * - `opening`: the opening snapshot itself replaces an opening inferred from a later snapshot;
 * - `decision`: the merge's acknowledgement or resolution replaces a losing replica's (who, when,
 *   why; the severity and value stay as they were when the step was first recorded);
 * - `kept`: a step already held stays as it is.
 */
class LifecycleSteps {
  private readonly opening = new Map<string, AlertEventsTable>();
  private readonly decision = new Map<string, AlertEventsTable>();
  private readonly kept = new Map<string, AlertEventsTable>();

  add(snapshot: Alert, merged: Alert) {
    const opened = event(merged.id, 'opened', merged.openedAt, snapshot.lastChange === 'opened' ? snapshot : merged);
    if (snapshot.lastChange === 'opened') {
      this.kept.delete(opened.id);
      this.opening.set(opened.id, opened);
    } else if (!this.opening.has(opened.id) && !this.kept.has(opened.id)) this.kept.set(opened.id, opened);
    if (snapshot.lastChange === 'escalated' || snapshot.lastChange === 'deescalated') {
      const change = event(merged.id, snapshot.lastChange, snapshot.updatedAt, snapshot, `/${snapshot.updatedAt}`);
      if (!this.kept.has(change.id)) this.kept.set(change.id, change);
    }
    if (merged.acknowledgedAt !== undefined) this.decide({ ...event(merged.id, 'acknowledged', merged.acknowledgedAt, merged), by: merged.acknowledgedBy ?? null, comment: merged.acknowledgeComment ?? null });
    if (merged.resolvedAt !== undefined) this.decide({ ...event(merged.id, 'resolved', merged.resolvedAt, merged), by: merged.resolvedBy ?? null, comment: merged.resolveComment ?? null });
  }

  async write(trx: Kysely<RecordSchema>) {
    for (const part of chunks([...this.kept.values()])) {
      await trx.insertInto('alert_events').values(part).onConflict((conflict) => conflict.column('id').doNothing()).execute();
    }
    for (const part of chunks([...this.opening.values()])) {
      await trx
        .insertInto('alert_events')
        .values(part)
        .onConflict((conflict) => conflict.column('id').doUpdateSet((eb) => ({ severity: eb.ref('excluded.severity'), value: eb.ref('excluded.value') })))
        .execute();
    }
    for (const part of chunks([...this.decision.values()])) {
      await trx
        .insertInto('alert_events')
        .values(part)
        .onConflict((conflict) => conflict.column('id').doUpdateSet((eb) => ({ at: eb.ref('excluded.at'), by: eb.ref('excluded.by'), comment: eb.ref('excluded.comment') })))
        .execute();
    }
  }

  private decide(step: AlertEventsTable) {
    const earlier = this.decision.get(step.id);
    this.decision.set(step.id, earlier ? { ...step, severity: earlier.severity, value: earlier.value } : step);
  }
}

/** Rows per statement: well inside both engines' limits on bound parameters. */
function chunks<T>(items: readonly T[], size = 200): T[][] {
  const parts: T[][] = [];
  for (let index = 0; index < items.length; index += size) parts.push(items.slice(index, index + size));
  return parts;
}

function event(alertId: string, change: AlertChange, at: number, source: Alert, suffix = ''): AlertEventsTable {
  return { id: `${alertId}/${change}${suffix}`, alert_id: alertId, change, at, by: null, comment: null, severity: source.severity, value: source.value };
}

/** A page of alerts matching the query, newest opened first, each with its lifecycle; `total` counts every match. */
export async function findAlerts(db: Kysely<RecordSchema>, query: AlertQuery): Promise<AlertPage> {
  let matches = db.selectFrom('alerts');
  if (query.from !== undefined) {
    const from = query.from;
    matches = matches.where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', from)]));
  }
  if (query.to !== undefined) matches = matches.where('opened_at', '<=', query.to);
  if (query.state === 'unresolved') matches = matches.where('state', '!=', 'resolved');
  else if (query.state !== undefined) matches = matches.where('state', '=', query.state);
  if (query.domain !== undefined) matches = matches.where('domain', '=', query.domain);
  if (query.ward !== undefined) matches = matches.where('ward', '=', query.ward);
  if (query.station !== undefined) {
    const station = query.station;
    matches = matches.where((eb) => eb.or([eb('site_id', '=', station), eb('device_id', '=', station)]));
  }
  if (query.severity !== undefined) matches = matches.where('severity', '=', query.severity);
  if (query.rule !== undefined) matches = matches.where('rule_id', '=', query.rule);
  if (query.ruleSet !== undefined) matches = matches.where('rule_set_id', '=', query.ruleSet);
  for (const word of foldText(query.text ?? '').split(/\s+/).filter(Boolean)) {
    matches = matches.where(sql<boolean>`search_text like ${`%${escapeLike(word)}%`} escape '\\'`);
  }
  const { total } = await matches.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await matches.select('snapshot').orderBy('opened_at', 'desc').orderBy('id', 'desc').offset(query.offset).limit(query.limit).execute();
  const alerts = rows.map((row) => AlertSchema.parse(JSON.parse(row.snapshot)));
  const lifecycles = await lifecyclesOf(db, alerts.map((alert) => alert.id));
  return { total: Number(total), offset: query.offset, limit: query.limit, alerts: alerts.map((alert) => ({ ...alert, lifecycle: lifecycles.get(alert.id) ?? [] })) };
}

/** The alert as the record holds it (the merge of every snapshot recorded), without its lifecycle. */
export async function heldAlert(db: Kysely<RecordSchema>, id: string): Promise<Alert | undefined> {
  const row = await db.selectFrom('alerts').select('snapshot').where('id', '=', id).executeTakeFirst();
  return row && AlertSchema.parse(JSON.parse(row.snapshot));
}

export async function findAlert(db: Kysely<RecordSchema>, id: string): Promise<AlertWithHistory | undefined> {
  const row = await db.selectFrom('alerts').select('snapshot').where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const alert = AlertSchema.parse(JSON.parse(row.snapshot));
  return { ...alert, lifecycle: (await lifecyclesOf(db, [id])).get(id) ?? [] };
}

async function lifecyclesOf(db: Kysely<RecordSchema>, ids: string[]): Promise<Map<string, AlertLifecycleEntry[]>> {
  const byAlert = new Map<string, AlertLifecycleEntry[]>();
  if (ids.length === 0) return byAlert;
  const rows = await db.selectFrom('alert_events').selectAll().where('alert_id', 'in', ids).orderBy('at').orderBy('id').execute();
  for (const row of rows) {
    const list = byAlert.get(row.alert_id) ?? [];
    list.push(toLifecycleEntry(row));
    byAlert.set(row.alert_id, list);
  }
  return byAlert;
}

function toLifecycleEntry(row: Selectable<AlertEventsTable>): AlertLifecycleEntry {
  return {
    change: row.change as AlertChange,
    at: row.at,
    ...(row.by === null ? {} : { by: row.by }),
    ...(row.comment === null ? {} : { comment: row.comment }),
    severity: row.severity as Alert['severity'],
    value: row.value,
  };
}

/** LIKE treats % and _ as wildcards; the query's own are matched literally (escape character "\"). */
function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (character) => `\\${character}`);
}
