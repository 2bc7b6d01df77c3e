/**
 * The operations record's tables, as Kysely sees them. One schema for PostgreSQL and SQLite:
 * times are epoch milliseconds (bigint), structured values are JSON text, and flags are
 * nullable times (`disabled_at`), so no column depends on an engine's boolean or JSON type.
 */
export interface RecordSchema {
  accounts: AccountsTable;
  record_revisions: RecordRevisionsTable;
  audit_entries: AuditEntriesTable;
  rule_set_versions: RuleSetVersionsTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
}

export interface AccountsTable {
  /** The username lower-cased: usernames match whatever the case. */
  username_key: string;
  username: string;
  role: string;
  /** scrypt hash, never a password. */
  password_hash: string;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
  /** Tokens issued earlier are refused: set when the password changes or the account is disabled. */
  sessions_valid_from: number;
}

/** A counter per kind of record, raised by every change, so replicas notice changes cheaply and refresh what they cache. */
export interface RecordRevisionsTable {
  name: string;
  revision: number;
}

export interface AuditEntriesTable {
  id: string;
  at: number;
  actor: string;
  role: string | null;
  action: string;
  target: string;
  comment: string | null;
  /** JSON object. */
  details: string | null;
}

/** Every version of every rule set as published on ioc.rules, removals included (one version sequence per set). */
export interface RuleSetVersionsTable {
  rule_set_id: string;
  version: number;
  kind: 'version' | 'removal';
  /** The record as published: a RuleSet or a RuleSetRemoval, JSON. */
  record: string;
  changed_at: number;
  changed_by: string;
  /** Why, as the editor said it (absent for versions published by other tools). */
  comment: string | null;
}

/** Each alert as it stands (the merge of every snapshot seen), for searching history. */
export interface AlertsTable {
  id: string;
  key: string;
  rule_set_id: string;
  rule_id: string;
  domain: string;
  device_id: string;
  site_id: string;
  ward: string;
  metric: string | null;
  severity: string;
  state: string;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
  /** Lower-cased, without diacritics: ids, ward, metric, messages and comments, for text search. */
  search_text: string;
  /** The full Alert, JSON. */
  snapshot: string;
}

/** One step of an alert's life: opened, escalated, deescalated, acknowledged, resolved. */
export interface AlertEventsTable {
  /** Derived from the alert and the step, so replicas and redeliveries write each step once. */
  id: string;
  alert_id: string;
  change: string;
  at: number;
  by: string | null;
  comment: string | null;
  severity: string;
  value: number | null;
}
