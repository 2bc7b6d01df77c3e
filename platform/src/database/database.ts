import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { platformError } from '../errors.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';

/** Where a database is: PostgreSQL by URL (`postgres://user:password@host:5432/name`), or an SQLite file. */
export type DatabaseLocation = { url: string } | { file: string };
export type DatabaseEngine = 'postgres' | 'sqlite';

export interface Database<Schema> {
  readonly db: Kysely<Schema>;
  readonly engine: DatabaseEngine;
  /** Where it is, without any password: for logs and banners. */
  readonly where: string;
  /**
   * Runs `work` in a transaction that holds the write lock `name` until it commits, so a
   * read-check-write (the last admin, the next rule-set version) is not interleaved with the
   * same kind of change from another replica. PostgreSQL: a transaction-scoped advisory lock;
   * SQLite: BEGIN IMMEDIATE, which holds the file's one write lock.
   */
  write<T>(name: string, work: (trx: Transaction<Schema>) => Promise<T>): Promise<T>;
  /** Releases this handle; the connection closes with the last handle on it. */
  close(): Promise<void>;
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

interface SharedSqlite {
  db: Kysely<unknown>;
  handles: number;
}

/**
 * One connection per SQLite file per process. better-sqlite3 is synchronous: a second connection
 * in the same process waiting for the write lock would block the event loop, so the transaction
 * holding the lock could never finish. Handles on one file share a connection instead, and
 * Kysely runs their transactions one at a time on it.
 */
const sqliteFiles = new Map<string, SharedSqlite>();

/** Opens (and checks) a database; PostgreSQL when given a URL, else the SQLite file, created with its folder when missing. */
export async function openDatabase<Schema>(location: DatabaseLocation): Promise<Database<Schema>> {
  return 'url' in location ? openPostgres<Schema>(location.url) : openSqlite<Schema>(location.file);
}

async function openPostgres<Schema>(url: string): Promise<Database<Schema>> {
  const where = withoutPassword(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // bigint columns hold epoch milliseconds, well inside Number's exact range; pg returns strings by default.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw platformError('IOC_DATABASE_UNREACHABLE', [where, (error as Error).message], { cause: error });
  }
  return {
    db,
    engine: 'postgres',
    where,
    write: (name, work) =>
      db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
        return work(trx);
      }),
    close: () => db.destroy(),
  };
}

async function openSqlite<Schema>(file: string): Promise<Database<Schema>> {
  const path = resolve(file);
  let shared = sqliteFiles.get(path);
  if (!shared) {
    let connection: SqliteDatabase.Database;
    try {
      mkdirSync(dirname(path), { recursive: true });
      const created = !existsSync(path);
      connection = new SqliteDatabase(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      // It holds password hashes: owner only. SQLite gives its -wal and -shm files the same mode.
      if (created) chmodSync(path, 0o600);
      // WAL: readers never wait for the writer, and other processes (replicas) may open the file.
      connection.pragma('journal_mode = WAL');
      // FULL: each commit is fsynced to the WAL before it returns, so what an operator was told
      // is saved survives a power cut, not only a crash of this process (NORMAL's promise).
      connection.pragma('synchronous = FULL');
      connection.pragma('foreign_keys = ON');
    } catch (error) {
      throw platformError('IOC_DATABASE_UNREACHABLE', [`SQLite file ${path}`, (error as Error).message], { cause: error });
    }
    shared = { db: new Kysely<unknown>({ dialect: new ImmediateSqliteDialect(connection) }), handles: 0 };
    sqliteFiles.set(path, shared);
  }
  shared.handles += 1;
  const db = shared.db as Kysely<Schema>;
  let closed = false;
  return {
    db,
    engine: 'sqlite',
    where: `SQLite file ${path}`,
    write: (_name, work) => db.transaction().execute(work),
    async close() {
      if (closed) return;
      closed = true;
      shared.handles -= 1;
      if (shared.handles === 0) {
        sqliteFiles.delete(path);
        await shared.db.destroy();
      }
    },
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return `PostgreSQL ${parsed.toString()}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL is not a valid URL)';
  }
}
