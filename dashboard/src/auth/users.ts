import { dashboardError } from '../errors.js';
import { z } from 'zod';
import { hashPassword, verifyPassword } from './password.js';
import { RoleSchema, type Role } from './roles.js';
import type { Session } from './tokens.js';
import type { AuditLog, AuditRecord } from '../audit/audit-log.js';
import { readAccounts, saveAccounts, type AccountMap, type StoredUser } from '../record/accounts-record.js';
import type { OperationsRecord } from '../record/open-record.js';
import { readRevision } from '../record/revisions.js';
import { UsernameSchema, usernameKey } from './usernames.js';

export { UsernameSchema } from './usernames.js';
export type { StoredUser } from '../record/accounts-record.js';

export const NewPasswordSchema = z.string().min(12, 'use at least 12 characters').max(200, 'use at most 200 characters');

/** A user to create: from `POST /api/users` or the `IOC_USERS` seed list. */
export const NewUserSchema = z.strictObject({ username: UsernameSchema, password: NewPasswordSchema, role: RoleSchema });
export type NewUser = z.infer<typeof NewUserSchema>;

/** The variable that sets an account at every start. */
export type ConfigSource = 'IOC_ADMIN_PASSWORD' | 'IOC_USERS';

/** An account as the API shows it: never the password hash. */
export interface User {
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** Present when configuration sets this account's role and password at every start. */
  configuredBy?: ConfigSource;
}

export interface ConfiguredAccount extends NewUser {
  source: ConfigSource;
}

/** What applying configuration at start did to one account, for the audit log. */
export interface ConfigurationChange {
  username: string;
  source: ConfigSource;
  created: boolean;
  changed: Array<'role' | 'password' | 'enabled'>;
}

export interface UserStoreOptions {
  record: OperationsRecord;
  /** Account changes are audited in the same transaction as the change. */
  auditLog: AuditLog;
  now?: () => number;
  /** How often the accounts revision is checked for changes made by other replicas. */
  refreshMs?: number;
}

/**
 * The dashboard's accounts, kept in the operations record (the `accounts` table) that every
 * replica shares. Each change runs in one transaction under the accounts write lock, on a copy
 * read in that transaction, together with its audit entries; it takes effect here once committed.
 * Token checks on every request are served from memory: each replica checks the accounts
 * revision every `refreshMs` and reloads when another replica changed something, so a disabled
 * account is refused everywhere within that time (at once on the replica that disabled it).
 * Logins read the account from the database.
 */
export class UserStore {
  private readonly configured = new Map<string, ConfigSource>();
  /** Compared against for unknown usernames, so a wrong username costs as long as a wrong password. */
  private decoyHash?: Promise<string>;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<boolean>;
  private reloaded?: () => void;

  private constructor(
    private readonly options: UserStoreOptions,
    readonly now: () => number,
    private users: AccountMap,
    private revision: number,
  ) {}

  static async open(options: UserStoreOptions): Promise<UserStore> {
    const revision = await readRevision(options.record.db, 'accounts');
    const users = await readAccounts(options.record.db);
    return new UserStore(options, options.now ?? Date.now, users, revision);
  }

  /** Checks for changes made by other replicas every `refreshMs`; calls `changed` after each reload that changed something. */
  follow(changed: () => void): void {
    this.reloaded = changed;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.options.refreshMs ?? 1000);
    this.timer.unref();
  }

  /** Reloads the accounts when their revision moved; true when it did. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const revision = await readRevision(this.options.record.db, 'accounts');
      if (revision === this.revision) return false;
      const users = await readAccounts(this.options.record.db);
      // A change committed here meanwhile may already have moved the cache further.
      if (revision <= this.revision) return false;
      this.users = users;
      this.revision = revision;
      this.reloaded?.();
      return true;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Applies the configured accounts (first admin, IOC_USERS) at start: each is created when
   * missing and gets the configured role and password; configuration wins for the accounts it
   * names. Whether an account is disabled is left as admins set it, except that the first admin
   * is enabled again when no admin would otherwise be enabled, so nobody is locked out.
   */
  async configure(accounts: readonly ConfiguredAccount[]): Promise<ConfigurationChange[]> {
    const changes = await this.transact(async (draft) => {
      const byName = new Map<string, ConfigurationChange>();
      for (const account of accounts) {
        const key = usernameKey(account.username);
        this.configured.set(key, account.source);
        const existing = draft.get(key);
        const now = this.now();
        const change: ConfigurationChange = byName.get(key) ?? { username: account.username, source: account.source, created: !existing, changed: [] };
        change.source = account.source;
        byName.set(key, change);
        if (!existing) {
          draft.set(key, newAccount(account.username, account.role, await hashPassword(account.password), now));
          continue;
        }
        const updated = { ...existing };
        if (existing.role !== account.role) {
          updated.role = account.role;
          change.changed.push('role');
        }
        if (!(await verifyPassword(account.password, existing.passwordHash))) {
          updated.passwordHash = await hashPassword(account.password);
          updated.sessionsValidFrom = now;
          change.changed.push('password');
        }
        if (change.changed.length > 0) updated.updatedAt = now;
        draft.set(key, updated);
      }
      const firstAdmin = accounts.find((account) => account.source === 'IOC_ADMIN_PASSWORD');
      if (firstAdmin && enabledAdmins(draft) === 0) {
        const key = usernameKey(firstAdmin.username);
        draft.set(key, { ...draft.get(key)!, disabled: false, updatedAt: this.now() });
        byName.get(key)!.changed.push('enabled');
      }
      return [...byName.values()];
    });
    return changes.filter((change) => change.created || change.changed.length > 0);
  }

  /** The account when the password is right (disabled or not: the caller refuses those), else null; takes as long whether or not the user exists. */
  async authenticate(username: string, password: string): Promise<User | null> {
    // Another replica may have created or changed the account a moment ago.
    await this.refresh();
    const stored = this.users.get(usernameKey(username));
    this.decoyHash ??= hashPassword('decoy password that never matches');
    const matches = await verifyPassword(password, stored?.passwordHash ?? (await this.decoyHash));
    return stored && matches ? this.view(stored) : null;
  }

  /**
   * The session as the account stands now, checked on every request: a deleted or disabled
   * account, or a token older than the last password change, is refused, and the role is the
   * account's current role rather than the one in the token.
   */
  current(session: Session): Session {
    const stored = this.users.get(usernameKey(session.username));
    if (stored?.disabled) throw dashboardError('IOC_ACCOUNT_DISABLED', [stored.username]);
    if (!stored || session.issuedAt < stored.sessionsValidFrom) throw dashboardError('IOC_SESSION_REVOKED');
    return { ...session, username: stored.username, role: stored.role };
  }

  list(): User[] {
    return [...this.users.values()].map((stored) => this.view(stored)).sort((a, b) => a.username.localeCompare(b.username));
  }

  configuredBy(username: string): ConfigSource | undefined {
    return this.configured.get(usernameKey(username));
  }

  /**
   * Runs `change` on a copy of the accounts (keyed by `usernameKey`) read under the accounts write
   * lock. When it returns, the copy and the audit entries it asked for commit together and take
   * effect; when it throws, nothing changes.
   */
  async transact<T>(change: (draft: AccountMap, audit: (entry: AuditRecord) => void) => T | Promise<T>): Promise<T> {
    const { record, auditLog } = this.options;
    const outcome = await record.write('accounts', async (trx) => {
      const before = await readAccounts(trx);
      const draft: AccountMap = new Map([...before].map(([key, user]) => [key, { ...user }]));
      const requested: AuditRecord[] = [];
      const result = await change(draft, (entry) => requested.push(entry));
      await saveAccounts(trx, before, draft);
      const entries = [];
      for (const entry of requested) entries.push(await auditLog.recordWithin(trx, entry));
      return { result, draft, entries, revision: await readRevision(trx, 'accounts') };
    });
    if (outcome.revision >= this.revision) {
      this.users = outcome.draft;
      this.revision = outcome.revision;
    }
    await auditLog.publish(outcome.entries);
    return outcome.result;
  }

  view(stored: StoredUser): User {
    const configuredBy = this.configuredBy(stored.username);
    return {
      username: stored.username,
      role: stored.role,
      disabled: stored.disabled,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      ...(configuredBy ? { configuredBy } : {}),
    };
  }
}

export function newAccount(username: string, role: Role, passwordHash: string, now: number): StoredUser {
  // sessionsValidFrom = now: a new account with the name of a deleted one does not inherit its sessions.
  return { username, role, passwordHash, createdAt: now, updatedAt: now, disabled: false, sessionsValidFrom: now };
}

export function enabledAdmins(users: ReadonlyMap<string, StoredUser>): number {
  return [...users.values()].filter((user) => user.role === 'admin' && !user.disabled).length;
}
