import { Migrator, type Kysely, type Migration } from 'kysely';
import { platformError } from '../errors.js';
import type { Database } from './database.js';

export type { Migration } from 'kysely';

export interface MigrationPlan {
  /** Whose migrations these are; names their bookkeeping tables (`<owner>_migration`), so several parts can share one database. */
  owner: string;
  /** By name; applied in name order, so names start with a sortable date. */
  migrations: Record<string, Migration>;
}

/**
 * Brings the database to the latest migration, or to `target` (a migration name; for tests
 * that rebuild what an older release left). Migrations run in one transaction on both engines
 * under Kysely's migration lock, so replicas starting together apply each one once. Returns the
 * names applied now.
 */
export async function migrateDatabase<Schema>(database: Database<Schema>, plan: MigrationPlan, target?: string): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db as Kysely<unknown>,
    provider: { getMigrations: async () => plan.migrations },
    migrationTableName: `${plan.owner}_migration`,
    migrationLockTableName: `${plan.owner}_migration_lock`,
  });
  const { error, results = [] } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed) {
    throw platformError('IOC_DATABASE_MIGRATION_FAILED', [failed?.migrationName ?? '(before any migration)', database.where, error instanceof Error ? error.message : String(error)], {
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
