import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../auth/roles.js';
import { bumpRevision } from './revisions.js';
import type { AccountsTable, RecordSchema } from './schema.js';

/** One account as the record holds it: never a password, only its scrypt hash. */
export interface StoredUser {
  username: string;
  role: Role;
  passwordHash: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  disabled: boolean;
  /** Tokens issued before this instant (epoch ms) are refused: set when the password changes or the account is disabled. */
  sessionsValidFrom: number;
}

/** Accounts keyed by `usernameKey`. */
export type AccountMap = Map<string, StoredUser>;

export async function readAccounts(db: Kysely<RecordSchema>): Promise<AccountMap> {
  const rows = await db.selectFrom('accounts').selectAll().execute();
  return new Map(rows.map((row) => [row.username_key, toStoredUser(row)]));
}

/** Writes what differs between `before` and `after` (both read in this transaction) and raises the accounts revision. */
export async function saveAccounts(trx: Kysely<RecordSchema>, before: AccountMap, after: AccountMap): Promise<boolean> {
  let changed = false;
  for (const key of before.keys()) {
    if (after.has(key)) continue;
    await trx.deleteFrom('accounts').where('username_key', '=', key).execute();
    changed = true;
  }
  for (const [key, user] of after) {
    const previous = before.get(key);
    if (previous && JSON.stringify(previous) === JSON.stringify(user)) continue;
    const row = toRow(key, user, previous);
    await trx
      .insertInto('accounts')
      .values(row)
      .onConflict((conflict) => conflict.column('username_key').doUpdateSet({ ...row }))
      .execute();
    changed = true;
  }
  if (changed) await bumpRevision(trx, 'accounts');
  return changed;
}

function toStoredUser(row: Selectable<AccountsTable>): StoredUser {
  return {
    username: row.username,
    role: row.role as Role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabled: row.disabled_at !== null,
    sessionsValidFrom: row.sessions_valid_from,
  };
}

function toRow(key: string, user: StoredUser, previous: StoredUser | undefined): AccountsTable {
  // Keeps when the account was disabled across unrelated changes.
  const disabledAt = user.disabled ? (previous?.disabled ? undefined : user.updatedAt) : null;
  return {
    username_key: key,
    username: user.username,
    role: user.role,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    ...(disabledAt === undefined ? {} : { disabled_at: disabledAt }),
    sessions_valid_from: user.sessionsValidFrom,
  } as AccountsTable;
}
