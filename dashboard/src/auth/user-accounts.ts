import { dashboardError } from '../errors.js';
import type { AuditAction } from '../../../contracts/src/index.js';
import type { AuditRecord } from '../audit/audit-log.js';
import { hashPassword, verifyPassword } from './password.js';
import type { Role } from './roles.js';
import type { Session } from './tokens.js';
import { enabledAdmins, newAccount, type NewUser, type StoredUser, type User, type UserStore } from './users.js';
import { usernameKey } from './usernames.js';

export interface UserAccountsOptions {
  users: UserStore;
  /** Called after a change that may end or alter live sessions (disable, delete, password, role). */
  accountsChanged: () => void;
}

/**
 * What admins do to accounts, and what users do to their own. Each action is checked, written to
 * the audit log (who, when, which account, what changed — never a password) in the same
 * transaction as the change; an action that changes nothing is answered without an entry.
 */
export class UserAccounts {
  constructor(private readonly options: UserAccountsOptions) {}

  async create(actor: Session, input: NewUser): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    const created = await this.options.users.transact(async (draft, audit) => {
      const existing = draft.get(usernameKey(input.username));
      if (existing) throw dashboardError('IOC_USER_EXISTS', [existing.username]);
      const user = newAccount(input.username, input.role, passwordHash, this.now());
      draft.set(usernameKey(user.username), user);
      audit(entry(actor, 'user.create', user.username, { role: user.role }));
      return user;
    });
    return this.options.users.view(created);
  }

  async setRole(actor: Session, username: string, role: Role): Promise<User> {
    return this.change(actor, username, { configuredRefused: true }, async (draft, key, user, audit) => {
      if (user.role === role) return user;
      const updated = { ...user, role, updatedAt: this.now() };
      draft.set(key, updated);
      keepAnAdmin(draft, user.username);
      audit(entry(actor, 'user.role-change', user.username, { from: user.role, to: role }));
      return updated;
    });
  }

  /** Sets a new password chosen by an admin; the account's existing sessions end. */
  async resetPassword(actor: Session, username: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    return this.change(actor, username, { configuredRefused: true }, async (draft, key, user, audit) => {
      const now = this.now();
      const updated = { ...user, passwordHash, updatedAt: now, sessionsValidFrom: now };
      draft.set(key, updated);
      audit(entry(actor, 'user.password-reset', user.username, { sessionsEnded: true }));
      return updated;
    });
  }

  /** Disabling refuses the account's logins and ends its sessions; enabling does not bring those sessions back. */
  async setDisabled(actor: Session, username: string, disabled: boolean): Promise<User> {
    return this.change(actor, username, { configuredRefused: false }, async (draft, key, user, audit) => {
      if (user.disabled === disabled) return user;
      const now = this.now();
      const updated = { ...user, disabled, updatedAt: now, ...(disabled ? { sessionsValidFrom: now } : {}) };
      draft.set(key, updated);
      keepAnAdmin(draft, user.username);
      audit(entry(actor, disabled ? 'user.disable' : 'user.enable', user.username, {}));
      return updated;
    });
  }

  async remove(actor: Session, username: string): Promise<void> {
    await this.change(actor, username, { configuredRefused: true }, async (draft, key, user, audit) => {
      draft.delete(key);
      keepAnAdmin(draft, user.username);
      audit(entry(actor, 'user.delete', user.username, { role: user.role }));
      return user;
    });
  }

  /** A user's own change, which needs the current password; their other sessions end. */
  async changeOwnPassword(actor: Session, currentPassword: string, newPassword: string): Promise<User> {
    const passwordHash = await hashPassword(newPassword);
    return this.change(actor, actor.username, { configuredRefused: true }, async (draft, key, user, audit) => {
      if (!(await verifyPassword(currentPassword, user.passwordHash))) throw dashboardError('IOC_CURRENT_PASSWORD_WRONG');
      const now = this.now();
      const updated = { ...user, passwordHash, updatedAt: now, sessionsValidFrom: now };
      draft.set(key, updated);
      audit(entry(actor, 'user.password-change', user.username, { sessionsEnded: true }));
      return updated;
    });
  }

  /** Runs `apply` on the named account under the store's lock; refuses unknown accounts, and configured ones when the change would not survive a restart. */
  private async change(
    actor: Session,
    username: string,
    rules: { configuredRefused: boolean },
    apply: (draft: Map<string, StoredUser>, key: string, user: StoredUser, audit: (entry: AuditRecord) => void) => Promise<StoredUser>,
  ): Promise<User> {
    const { users } = this.options;
    const stored = await users.transact(async (draft, audit) => {
      const key = usernameKey(username);
      const user = draft.get(key);
      if (!user) throw dashboardError('IOC_USER_NOT_FOUND', [username]);
      const configuredBy = users.configuredBy(username);
      if (rules.configuredRefused && configuredBy) throw dashboardError('IOC_USER_CONFIGURED', [user.username, configuredBy]);
      return apply(draft, key, user, audit);
    });
    this.options.accountsChanged();
    return users.view(stored);
  }

  private now() {
    return this.options.users.now();
  }
}

/** An audit entry for an account action: who, which account, what changed — never a password. */
function entry(actor: Session, action: AuditAction, target: string, details: Record<string, unknown>): AuditRecord {
  return { actor: actor.username, role: actor.role, action, target, details };
}

/** Refuses a change that would leave no enabled admin: someone must always be able to manage users. */
function keepAnAdmin(draft: ReadonlyMap<string, StoredUser>, username: string) {
  if (enabledAdmins(draft) === 0) throw dashboardError('IOC_LAST_ADMIN', [username]);
}
