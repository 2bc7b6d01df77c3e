import { sql, type Kysely } from 'kysely';
import type { RecordSchema } from './schema.js';

export type RevisionName = 'accounts';

/** Raises the named revision by one inside the caller's transaction. */
export async function bumpRevision(trx: Kysely<RecordSchema>, name: RevisionName): Promise<void> {
  await trx
    .insertInto('record_revisions')
    .values({ name, revision: 1 })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ revision: sql<number>`record_revisions.revision + 1` }))
    .execute();
}

export async function readRevision(db: Kysely<RecordSchema>, name: RevisionName): Promise<number> {
  const row = await db.selectFrom('record_revisions').select('revision').where('name', '=', name).executeTakeFirst();
  return row?.revision ?? 0;
}
