import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server integration tests use: `IOC_TEST_POSTGRES_URL`, else the machine's own PostgreSQL (trust auth). */
export const TEST_POSTGRES_URL = process.env.IOC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgresDatabase {
  /** URL of a fresh, empty database of its own. */
  url: string;
  /** Drops the database; close every connection to it first. */
  drop(): Promise<void>;
}

/** Creates a new database on the test server, so each run starts empty and leaves nothing behind. */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const name = `ioc_test_${randomBytes(6).toString('hex')}`;
  await onServer(`create database ${name}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

async function onServer(statement: string) {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
