import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database, type DatabaseLocation, type MigrationPlan } from '../../src/index.js';

export interface TestDatabase {
  location: DatabaseLocation;
  drop(): Promise<void>;
}

interface CounterSchema {
  counters: { name: string; value: number };
}

const COUNTERS: MigrationPlan = {
  owner: 'test',
  migrations: {
    '2026-12-06-01-counters': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('counters')
          .addColumn('name', 'text', (column) => column.primaryKey())
          .addColumn('value', 'bigint', (column) => column.notNull())
          .execute();
      },
    },
  },
};

/** What every engine must do for the parts that keep a record: migrate at start, and serialise read-check-write changes across handles. */
export function describeDatabase(engine: string, createDatabase: () => Promise<TestDatabase>) {
  describe(`database on ${engine}`, () => {
    let database: TestDatabase;
    const open: Database<CounterSchema>[] = [];
    beforeEach(async () => {
      database = await createDatabase();
    });
    afterEach(async () => {
      for (const handle of open.splice(0)) await handle.close();
      await database.drop();
    });
    async function handle() {
      const opened = await openDatabase<CounterSchema>(database.location);
      open.push(opened);
      return opened;
    }

    it('applies migrations once, whichever handle runs them, and returns bigint columns as numbers', async () => {
      const [a, b] = [await handle(), await handle()];
      const results = await Promise.all([migrateDatabase(a, COUNTERS), migrateDatabase(b, COUNTERS)]);
      expect(results.flat()).toEqual(['2026-12-06-01-counters']);
      await a.db.insertInto('counters').values({ name: 'epoch', value: 1_796_582_378_258 }).execute();
      expect(await b.db.selectFrom('counters').select('value').executeTakeFirstOrThrow()).toEqual({ value: 1_796_582_378_258 });
    });

    it('runs read-check-write changes under one write lock, so concurrent changes from two handles are not lost', async () => {
      const [a, b] = [await handle(), await handle()];
      await migrateDatabase(a, COUNTERS);
      await a.db.insertInto('counters').values({ name: 'acknowledgements', value: 0 }).execute();
      const increment = (on: Database<CounterSchema>) =>
        on.write('counters', async (trx) => {
          const { value } = await trx.selectFrom('counters').select('value').where('name', '=', 'acknowledgements').executeTakeFirstOrThrow();
          await new Promise((resolve) => setTimeout(resolve, 5));
          await trx.updateTable('counters').set({ value: value + 1 }).where('name', '=', 'acknowledgements').execute();
        });
      await Promise.all(Array.from({ length: 10 }, (_, index) => increment(index % 2 === 0 ? a : b)));
      expect((await b.db.selectFrom('counters').select('value').executeTakeFirstOrThrow()).value).toBe(10);
    });

    it('applies nothing of a migration that fails, and says which one', async () => {
      const a = await handle();
      const failing: MigrationPlan = {
        owner: 'test',
        migrations: {
          ...COUNTERS.migrations,
          '2026-12-06-02-broken': {
            async up(db: Kysely<unknown>) {
              await db.schema.createTable('half_done').addColumn('id', 'text').execute();
              await sql`select * from no_such_table`.execute(db);
            },
          },
        },
      };
      await expect(migrateDatabase(a, failing)).rejects.toMatchObject({ code: 'IOC_DATABASE_MIGRATION_FAILED', message: expect.stringContaining('2026-12-06-02-broken') });
      const tables = await a.db.introspection.getTables();
      expect(tables.map((table) => table.name)).not.toContain('half_done');
    });
  });
}
