import type { Database as SqliteConnection } from 'better-sqlite3';
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver } from 'kysely';

/**
 * Kysely's SQLite dialect with two changes for several processes on one file:
 * - transactions start with BEGIN IMMEDIATE, which takes the write lock up front (waiting up to
 *   the busy timeout). A deferred BEGIN that reads and then writes fails with SQLITE_BUSY at once
 *   when another process wrote in between, instead of waiting its turn.
 * - migrations run in one transaction (SQLite's DDL is transactional), so two processes starting
 *   together do not both apply the same migration: the second waits, then finds it done.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly connection: SqliteConnection) {
    super({ database: connection });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.connection });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
