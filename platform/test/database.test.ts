import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.js';
import { describeDatabase } from './support/database-suite.js';

describeDatabase('SQLite', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'ioc-database-'));
  return { location: { file: join(folder, 'record', 'ioc.sqlite') }, drop: () => rm(folder, { recursive: true, force: true }) };
});

describe('the embedded SQLite file', () => {
  it('is created owner-only in WAL mode, each commit synced to disk', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ioc-database-'));
    const file = join(folder, 'new', 'ioc.sqlite');
    const database = await openDatabase({ file });
    try {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      // 2 = FULL.
      expect(await pragma('synchronous')).toBe(2);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(database.where).toBe(`SQLite file ${file}`);
    } finally {
      await database.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('refuses a PostgreSQL server that does not answer, naming it without the password', async () => {
    await expect(openDatabase({ url: 'postgres://ioc:secret-password@127.0.0.1:1/ioc' })).rejects.toMatchObject({
      code: 'IOC_DATABASE_UNREACHABLE',
      message: expect.stringMatching(/PostgreSQL postgres:\/\/ioc:\*\*\*@127\.0\.0\.1:1\/ioc/),
    });
    await expect(openDatabase({ url: 'postgres://ioc:secret-password@127.0.0.1:1/ioc' })).rejects.not.toMatchObject({ message: expect.stringContaining('secret-password') });
  });
});
