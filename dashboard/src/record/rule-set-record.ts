import type { Kysely, Selectable } from 'kysely';
import { RuleSetRecordSchema, isRuleSetRemoval, type RuleSet, type RuleSetRecord } from '../../../contracts/src/index.js';
import type { RecordSchema, RuleSetVersionsTable } from './schema.js';

/** One entry of a rule set's history: a version or its removal, who and when, and why. */
export interface RuleSetHistoryEntry {
  ruleSetId: string;
  version: number;
  kind: 'version' | 'removal';
  changedAt: number;
  changedBy: string;
  comment?: string;
  record: RuleSetRecord;
}

/**
 * Adds a version or removal as published on ioc.rules. Every replica records every record it
 * reads, and the editing replica records its own first: the (set, version) key makes the
 * repeats no-ops. Returns whether this call added it.
 */
export async function addRuleSetRecord(db: Kysely<RecordSchema>, record: RuleSetRecord, comment?: string): Promise<boolean> {
  const removal = isRuleSetRemoval(record);
  const result = await db
    .insertInto('rule_set_versions')
    .values({
      rule_set_id: record.id,
      version: record.version,
      kind: removal ? 'removal' : 'version',
      record: JSON.stringify(record),
      changed_at: removal ? record.removedAt : (record.updatedAt ?? 0),
      changed_by: removal ? record.removedBy : (record.updatedBy ?? 'system'),
      comment: comment ?? (removal ? (record.reason ?? null) : null),
    })
    .onConflict((conflict) => conflict.columns(['rule_set_id', 'version']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The newest entry of a set (version or removal), or undefined when it never existed. */
export async function latestRuleSetEntry(db: Kysely<RecordSchema>, id: string): Promise<RuleSetHistoryEntry | undefined> {
  const row = await db.selectFrom('rule_set_versions').selectAll().where('rule_set_id', '=', id).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && toEntry(row);
}

/** The sets in force: each set's newest entry, unless that entry is its removal; by id. */
export async function ruleSetsInForce(db: Kysely<RecordSchema>): Promise<RuleSet[]> {
  const rows = await db
    .selectFrom('rule_set_versions as entry')
    .selectAll()
    .where((eb) =>
      eb('entry.version', '=', eb.selectFrom('rule_set_versions as newer').select((inner) => inner.fn.max('newer.version').as('v')).whereRef('newer.rule_set_id', '=', 'entry.rule_set_id')),
    )
    .where('entry.kind', '=', 'version')
    .orderBy('entry.rule_set_id')
    .execute();
  return rows.map((row) => toEntry(row).record as RuleSet);
}

/** Every version and removal of a set, oldest first. */
export async function ruleSetHistory(db: Kysely<RecordSchema>, id: string): Promise<RuleSetHistoryEntry[]> {
  const rows = await db.selectFrom('rule_set_versions').selectAll().where('rule_set_id', '=', id).orderBy('version').execute();
  return rows.map(toEntry);
}

function toEntry(row: Selectable<RuleSetVersionsTable>): RuleSetHistoryEntry {
  return {
    ruleSetId: row.rule_set_id,
    version: row.version,
    kind: row.kind,
    changedAt: row.changed_at,
    changedBy: row.changed_by,
    ...(row.comment === null ? {} : { comment: row.comment }),
    record: RuleSetRecordSchema.parse(JSON.parse(row.record)),
  };
}
