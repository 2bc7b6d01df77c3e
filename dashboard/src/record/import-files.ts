import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AuditEntrySchema } from '../../../contracts/src/index.js';
import { summarizeIssues, type Logger } from '../../../platform/src/index.js';
import { RoleSchema } from '../auth/roles.js';
import { UsernameSchema, usernameKey } from '../auth/usernames.js';
import { dashboardError } from '../errors.js';
import { saveAccounts, type AccountMap } from './accounts-record.js';
import { insertAuditEntry } from './audit-record.js';
import type { OperationsRecord } from './open-record.js';

/** Where the release before the database kept accounts (USERS_PATH) and the audit log (AUDIT_LOG_PATH). */
export interface FileRecord {
  users: string;
  audit: string;
}

const UsersFileSchema = z.strictObject({
  version: z.literal(1),
  users: z.array(
    z.strictObject({
      username: UsernameSchema,
      role: RoleSchema,
      passwordHash: z.string().startsWith('scrypt$', 'must be a scrypt hash'),
      createdAt: z.number().int(),
      updatedAt: z.number().int(),
      disabled: z.boolean(),
      sessionsValidFrom: z.number().int(),
    }),
  ),
});

/**
 * Brings what the file-based release kept into a record that holds no accounts yet (the first
 * start after the upgrade): its accounts, with their hashes and revoked sessions, and its audit
 * entries (by id, so a repeat adds nothing). Afterwards the files are no longer read; the log
 * says they may be archived. A file that is there but not valid stops the start with
 * IOC_IMPORT_FILE_INVALID rather than starting without the accounts it holds.
 */
export async function importFileRecord(record: OperationsRecord, files: FileRecord, logger: Logger): Promise<void> {
  const usersText = await readIfThere(files.users);
  if (usersText === undefined) return;
  const users = parseUsers(files.users, usersText);
  const auditText = (await readIfThere(files.audit)) ?? '';
  const imported = await record.write('accounts', async (trx) => {
    const { count } = await trx.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    if (Number(count) > 0) return undefined;
    await saveAccounts(trx, new Map(), new Map(users.map((user) => [usernameKey(user.username), user])) as AccountMap);
    let entries = 0;
    for (const line of auditText.split('\n')) {
      const entry = AuditEntrySchema.safeParse(parseJson(line));
      if (!entry.success) continue;
      await insertAuditEntry(trx, entry.data);
      entries += 1;
    }
    return { accounts: users.length, entries };
  });
  if (imported) logger.warn({ ...imported, files }, 'imported the accounts and audit entries of the file-based release into the database; the files are no longer read and may be archived');
}

function parseUsers(path: string, text: string) {
  const json = parseJson(text);
  if (json === undefined) throw dashboardError('IOC_IMPORT_FILE_INVALID', [path, 'not JSON']);
  const parsed = UsersFileSchema.safeParse(json);
  if (!parsed.success) throw dashboardError('IOC_IMPORT_FILE_INVALID', [path, summarizeIssues(parsed.error.issues)]);
  return parsed.data.users;
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw dashboardError('IOC_IMPORT_FILE_INVALID', [path, (error as Error).message], { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
