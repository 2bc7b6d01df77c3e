import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/src/index.js';
import { DashboardConfigSchema } from '../src/config.js';

describe('dashboard configuration', () => {
  it('keeps the record in the embedded SQLite file unless DATABASE_URL names a PostgreSQL database', () => {
    expect(loadConfig(DashboardConfigSchema, {}).database).toEqual({ file: '.data/ioc.sqlite' });
    expect(loadConfig(DashboardConfigSchema, { DATABASE_FILE: '/var/lib/ioc/ioc.sqlite' }).database).toEqual({ file: '/var/lib/ioc/ioc.sqlite' });
    expect(loadConfig(DashboardConfigSchema, { DATABASE_URL: 'postgres://ioc:secret@db:5432/ioc' }).database).toEqual({ url: 'postgres://ioc:secret@db:5432/ioc' });
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, naming it', () => {
    expect(() => loadConfig(DashboardConfigSchema, { DATABASE_URL: 'mysql://db/ioc' })).toThrow(/Configuration is invalid: DATABASE_URL: use a PostgreSQL URL/);
  });
});
