import { migrateDatabase, openDatabase, type Database, type DatabaseLocation } from '../../../platform/src/index.js';
import { RECORD_MIGRATIONS } from './migrations.js';
import type { RecordSchema } from './schema.js';

/** The dashboard's database: accounts, rule-set versions, alert history, audit log. */
export type OperationsRecord = Database<RecordSchema>;

/** Opens the record and brings its schema up to date (see migrations.ts). */
export async function openRecord(location: DatabaseLocation): Promise<OperationsRecord> {
  const record = await openDatabase<RecordSchema>(location);
  try {
    await migrateDatabase(record, RECORD_MIGRATIONS);
  } catch (error) {
    await record.close();
    throw error;
  }
  return record;
}
