import { dashboardError } from '../errors.js';
import { z } from 'zod';
import { hashPassword, verifyPassword } from './password.js';
import { RoleSchema, type Role } from './roles.js';
import type { Session } from './tokens.js';
import { readUsersFile, writeUsersFile, type StoredUser } from './users-file.js';
import { UsernameSchema, usernameKey } from './usernames.js';

export { UsernameSchema } from './usernames.js';
export type { StoredUser } from './users-file.js';

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
  /** JSON file the accounts are kept in (see users-file.ts); created at the first change. */
  path: string;
  now?: () => number;
}

/**
 * The dashboard's accounts, kept in a file so that accounts admins create and change survive a
 * restart. Reads (logins, every authenticated request) are served from memory; each change runs
 * under one lock on a copy, is written to the file, and only then takes effect, so memory never
 * holds a change the file does not.
 */
export class UserStore {
  private readonly configured = new Map<string, ConfigSource>();
  private tail: Promise<unknown> = Promise.resolve();
  /** Compared against for unknown usernames, so a wrong username costs as long as a wrong password. */
  private decoyHash?: Promise<string>;

  private constructor(
    private readonly path: string,
    readonly now: () => number,
    private users: Map<string, StoredUser>,
  ) {}

  /** Loads the file; throws IOC_USERS_FILE_INVALID when it exists but is not a valid users file. */
  static async open(options: UserStoreOptions): Promise<UserStore> {
    const users = (await readUsersFile(options.path)) ?? [];
    return new UserStore(options.path, options.now ?? Date.now, new Map(users.map((user) => [usernameKey(user.username), user])));
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
   * Runs `change` on a copy of the accounts (keyed by `usernameKey`), one change at a time. When it
   * returns, the copy is written to the file and takes effect; when it throws, nothing changes.
   */
  async transact<T>(change: (draft: Map<string, StoredUser>) => T | Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      const draft = new Map([...this.users].map(([key, user]) => [key, { ...user }]));
      const result = await change(draft);
      if (JSON.stringify([...draft]) !== JSON.stringify([...this.users])) {
        await writeUsersFile(this.path, [...draft.values()]);
        this.users = draft;
      }
      return result;
    });
    this.tail = run.catch(() => undefined);
    return run;
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
