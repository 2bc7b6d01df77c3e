import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/src/index.js';
import { DashboardConfigSchema } from '../src/config.js';

describe('dashboard configuration', () => {
  it('keeps the accounts file beside the audit log unless USERS_PATH names one', () => {
    expect(loadConfig(DashboardConfigSchema, {}).USERS_PATH).toBe('.data/users.json');
    expect(loadConfig(DashboardConfigSchema, { AUDIT_LOG_PATH: '/var/lib/ioc/audit/audit.ndjson' }).USERS_PATH).toBe('/var/lib/ioc/audit/users.json');
    expect(loadConfig(DashboardConfigSchema, { USERS_PATH: '/srv/ioc/accounts.json' }).USERS_PATH).toBe('/srv/ioc/accounts.json');
  });

  it('refuses an empty USERS_PATH, naming it', () => {
    expect(() => loadConfig(DashboardConfigSchema, { USERS_PATH: '' })).toThrow(/Configuration is invalid: USERS_PATH:/);
  });
});
