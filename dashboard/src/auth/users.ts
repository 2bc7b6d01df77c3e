import { z } from 'zod';
import { iocError } from '../../../platform/src/errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { RoleSchema, type Role } from './roles.js';

export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
export const NewPasswordSchema = z.string().min(12, 'use at least 12 characters').max(200, 'use at most 200 characters');

/** A user to create: from `POST /api/users` or the `IOC_USERS` seed list. */
export const NewUserSchema = z.strictObject({ username: UsernameSchema, password: NewPasswordSchema, role: RoleSchema });
export type NewUser = z.infer<typeof NewUserSchema>;

export interface User {
  username: string;
  role: Role;
}

interface StoredUser extends User {
  passwordHash: string;
}

/**
 * Users in memory, passwords as scrypt hashes. Users come from configuration at start
 * (the first admin, `IOC_USERS`) and from admins at run time; the latter last until restart.
 */
export class UserStore {
  private readonly users = new Map<string, StoredUser>();
  /** Compared against for unknown usernames, so a wrong username costs as long as a wrong password. */
  private decoyHash?: Promise<string>;

  /** Throws IOC_USER_EXISTS unless `replace` (configuration re-applies its users at every start). */
  async add(user: NewUser, options: { replace?: boolean } = {}): Promise<User> {
    const key = user.username.toLowerCase();
    if (!options.replace && this.users.has(key)) throw iocError('IOC_USER_EXISTS', [user.username]);
    const passwordHash = await hashPassword(user.password);
    // Checked again: another request may have created the same user while this one was hashing.
    if (!options.replace && this.users.has(key)) throw iocError('IOC_USER_EXISTS', [user.username]);
    this.users.set(key, { username: user.username, role: user.role, passwordHash });
    return { username: user.username, role: user.role };
  }

  /** The user when the password is right, else null; takes the same time whether or not the user exists. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const stored = this.users.get(username.toLowerCase());
    this.decoyHash ??= hashPassword('decoy password that never matches');
    const matches = await verifyPassword(password, stored?.passwordHash ?? (await this.decoyHash));
    return stored && matches ? { username: stored.username, role: stored.role } : null;
  }

  list(): User[] {
    return [...this.users.values()].map(({ username, role }) => ({ username, role }));
  }
}
