import type { Kysely, Selectable } from 'kysely';
import { AuditEntrySchema, type AuditEntry } from '../../../contracts/src/index.js';
import type { AuditEntriesTable, RecordSchema } from './schema.js';

/** Adds an entry; an entry already held (same id) is left as it is. */
export async function insertAuditEntry(db: Kysely<RecordSchema>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_entries')
    .values({
      id: entry.id,
      at: entry.at,
      actor: entry.actor,
      role: entry.role ?? null,
      action: entry.action,
      target: entry.target,
      comment: entry.comment ?? null,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

/** The newest entries first. */
export async function recentAuditEntries(db: Kysely<RecordSchema>, limit: number): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('audit_entries').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toEntry);
}

function toEntry(row: Selectable<AuditEntriesTable>): AuditEntry {
  return AuditEntrySchema.parse({
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    ...(row.role === null ? {} : { role: row.role }),
    ...(row.comment === null ? {} : { comment: row.comment }),
    ...(row.details === null ? {} : { details: JSON.parse(row.details) as unknown }),
  });
}
