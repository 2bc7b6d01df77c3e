import { dashboardError } from '../errors.js';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { summarizeIssues } from '../../../platform/src/index.js';
import { RoleSchema } from './roles.js';
import { UsernameSchema } from './usernames.js';

/** One account as the users file holds it: never a password, only its scrypt hash. */
const StoredUserSchema = z.strictObject({
  username: UsernameSchema,
  role: RoleSchema,
  passwordHash: z.string().startsWith('scrypt$', 'must be a scrypt hash'),
  /** Epoch ms. */
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  disabled: z.boolean(),
  /** Tokens issued before this instant (epoch ms) are refused: set when the password changes or the account is disabled. */
  sessionsValidFrom: z.number().int(),
});
export type StoredUser = z.infer<typeof StoredUserSchema>;

const UsersFileSchema = z
  .strictObject({ version: z.literal(1), users: z.array(StoredUserSchema) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.users.forEach((user, index) => {
      const key = user.username.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['users', index, 'username'], message: `"${user.username}" appears twice` });
      seen.add(key);
    });
  });

/**
 * Reads the users file; undefined when it does not exist yet (first start). Anything else that is
 * not a valid file throws IOC_USERS_FILE_INVALID: starting with a partial user list could lock
 * admins out or bring back removed accounts, so the operator decides.
 */
export async function readUsersFile(path: string): Promise<StoredUser[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw dashboardError('IOC_USERS_FILE_INVALID', [path, (error as Error).message]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw dashboardError('IOC_USERS_FILE_INVALID', [path, `not JSON: ${(error as Error).message}`]);
  }
  const parsed = UsersFileSchema.safeParse(json);
  if (!parsed.success) throw dashboardError('IOC_USERS_FILE_INVALID', [path, summarizeIssues(parsed.error.issues)]);
  return parsed.data.users;
}

/**
 * Replaces the users file atomically: a crash leaves either the old or the new file, never half of
 * one. The content goes to a temporary file in the same folder (mode 0600: it holds password
 * hashes), is flushed to disk, renamed over the old file, and the folder is flushed so the rename
 * itself survives a power cut.
 */
export async function writeUsersFile(path: string, users: readonly StoredUser[]): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const body = `${JSON.stringify({ version: 1, users }, null, 2)}\n`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(body, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(folder, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
