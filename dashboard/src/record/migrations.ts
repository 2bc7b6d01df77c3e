import { sql, type Kysely } from 'kysely';
import type { MigrationPlan } from '../../../platform/src/index.js';

/**
 * The record's migrations, applied in name order at every start. A released migration is never
 * edited: a change to the schema is a new migration, so a database any release left behind can
 * be brought up to date.
 */
export const RECORD_MIGRATIONS: MigrationPlan = {
  owner: 'dashboard',
  migrations: {
    '2026-12-06-01-accounts-audit-rule-sets': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('accounts')
          .addColumn('username_key', 'text', (column) => column.primaryKey())
          .addColumn('username', 'text', (column) => column.notNull())
          .addColumn('role', 'text', (column) => column.notNull())
          .addColumn('password_hash', 'text', (column) => column.notNull())
          .addColumn('created_at', 'bigint', (column) => column.notNull())
          .addColumn('updated_at', 'bigint', (column) => column.notNull())
          .addColumn('disabled_at', 'bigint')
          .addColumn('sessions_valid_from', 'bigint', (column) => column.notNull())
          .execute();
        await db.schema
          .createTable('record_revisions')
          .addColumn('name', 'text', (column) => column.primaryKey())
          .addColumn('revision', 'bigint', (column) => column.notNull())
          .execute();
        await db.schema
          .createTable('audit_entries')
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('at', 'bigint', (column) => column.notNull())
          .addColumn('actor', 'text', (column) => column.notNull())
          .addColumn('role', 'text')
          .addColumn('action', 'text', (column) => column.notNull())
          .addColumn('target', 'text', (column) => column.notNull())
          .addColumn('comment', 'text')
          .addColumn('details', 'text')
          .execute();
        await db.schema.createIndex('audit_entries_at').on('audit_entries').columns(['at', 'id']).execute();
        await db.schema
          .createTable('rule_set_versions')
          .addColumn('rule_set_id', 'text', (column) => column.notNull())
          .addColumn('version', 'integer', (column) => column.notNull())
          .addColumn('kind', 'text', (column) => column.notNull().check(sql`kind in ('version', 'removal')`))
          .addColumn('record', 'text', (column) => column.notNull())
          .addColumn('changed_at', 'bigint', (column) => column.notNull())
          .addColumn('changed_by', 'text', (column) => column.notNull())
          .addColumn('comment', 'text')
          .addPrimaryKeyConstraint('rule_set_versions_pk', ['rule_set_id', 'version'])
          .execute();
      },
    },
    '2026-12-06-02-alert-history': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('alerts')
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('key', 'text', (column) => column.notNull())
          .addColumn('rule_set_id', 'text', (column) => column.notNull())
          .addColumn('rule_id', 'text', (column) => column.notNull())
          .addColumn('domain', 'text', (column) => column.notNull())
          .addColumn('device_id', 'text', (column) => column.notNull())
          .addColumn('site_id', 'text', (column) => column.notNull())
          .addColumn('ward', 'text', (column) => column.notNull())
          .addColumn('metric', 'text')
          .addColumn('severity', 'text', (column) => column.notNull())
          .addColumn('state', 'text', (column) => column.notNull())
          .addColumn('opened_at', 'bigint', (column) => column.notNull())
          .addColumn('updated_at', 'bigint', (column) => column.notNull())
          .addColumn('resolved_at', 'bigint')
          .addColumn('search_text', 'text', (column) => column.notNull())
          .addColumn('snapshot', 'text', (column) => column.notNull())
          .execute();
        await db.schema.createIndex('alerts_opened_at').on('alerts').columns(['opened_at', 'id']).execute();
        await db.schema.createIndex('alerts_site_opened_at').on('alerts').columns(['site_id', 'opened_at']).execute();
        await db.schema.createIndex('alerts_state').on('alerts').column('state').execute();
        await db.schema
          .createTable('alert_events')
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('alert_id', 'text', (column) => column.notNull())
          .addColumn('change', 'text', (column) => column.notNull())
          .addColumn('at', 'bigint', (column) => column.notNull())
          .addColumn('by', 'text')
          .addColumn('comment', 'text')
          .addColumn('severity', 'text', (column) => column.notNull())
          .addColumn('value', 'double precision')
          .execute();
        await db.schema.createIndex('alert_events_alert').on('alert_events').columns(['alert_id', 'at']).execute();
      },
    },
  },
};
