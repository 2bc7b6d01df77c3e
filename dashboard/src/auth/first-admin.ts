import { generatePassword, hashPassword } from './password.js';
import { enabledAdmins, newAccount, type UserStore } from './users.js';
import { usernameKey } from './usernames.js';

const FIRST_ADMIN = 'admin';

/**
 * Without IOC_ADMIN_PASSWORD: while no admin can log in (the first start, or every admin disabled
 * or deleted), makes `admin` an enabled admin with a generated password and returns that password,
 * to be shown once; only its hash is kept. It is not configuration, so the admin may change it on
 * the page. Checked again under the accounts' write lock, so replicas starting together on an
 * empty database create it once (the others return undefined).
 */
export async function ensureFirstAdmin(users: UserStore): Promise<string | undefined> {
  if (users.list().some((user) => user.role === 'admin' && !user.disabled)) return undefined;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return users.transact((draft, audit) => {
    if (enabledAdmins(draft) > 0) return undefined;
    const existed = draft.has(usernameKey(FIRST_ADMIN));
    draft.set(usernameKey(FIRST_ADMIN), newAccount(FIRST_ADMIN, 'admin', passwordHash, users.now()));
    audit({ actor: 'system', action: 'user.configure', target: FIRST_ADMIN, details: { source: 'generated', created: !existed, changed: existed ? ['role', 'password', 'enabled'] : [] } });
    return password;
  });
}
