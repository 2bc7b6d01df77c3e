import { randomBytes } from 'node:crypto';
import { link, open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { summarizeIssues } from '../../platform/src/index.js';
import { standaloneError } from './errors.js';

/**
 * What the embedded default generates at its first start and reuses after, so devices keep their
 * login and open dashboard pages keep their sessions across restarts. The admin password is not
 * here: the accounts store keeps only its hash, and it is shown at the first start only.
 */
const KeptSecretsSchema = z.strictObject({
  version: z.literal(1),
  /** The embedded broker's device account password; MQTT_DEVICE_PASSWORD overrides it. */
  devicePassword: z.string().min(8),
  /** HMAC key of the dashboard's session tokens; IOC_TOKEN_SECRET overrides it. */
  tokenSecret: z.string().min(32),
  /** Epoch ms of the first start: when the generated admin password was shown. */
  createdAt: z.number().int(),
});
export type KeptSecrets = z.infer<typeof KeptSecretsSchema>;

export interface OpenedSecrets {
  path: string;
  secrets: KeptSecrets;
  /** True at the first start, when the file was written. */
  created: boolean;
  /** The looser permission bits the file had before they were restricted to 0600. */
  tightenedFrom?: number;
}

export const SECRETS_FILE = 'secrets.json';
const OWNER_ONLY = 0o600;

/**
 * Reads the kept secrets from the data directory, or generates and writes them (mode 0600) when
 * there are none. A file others may read is restricted to 0600 first; one that cannot be read or
 * is not valid stops the start (IOC_SECRETS_*) rather than being replaced, since new secrets would
 * silently log out every device and session.
 */
export async function openSecrets(dataDir: string, now: () => number = Date.now): Promise<OpenedSecrets> {
  const path = join(dataDir, SECRETS_FILE);
  const existing = await readSecrets(path);
  if (existing) return { path, ...existing, created: false };
  const secrets: KeptSecrets = {
    version: 1,
    devicePassword: randomBytes(12).toString('base64url'),
    tokenSecret: randomBytes(32).toString('base64url'),
    createdAt: now(),
  };
  if (await writeOnce(path, `${JSON.stringify(secrets, null, 2)}\n`)) return { path, secrets, created: true };
  // Another start on the same directory wrote it first: use its secrets.
  const written = await readSecrets(path);
  if (!written) throw standaloneError('IOC_SECRETS_UNREADABLE', [path, 'it vanished while starting']);
  return { path, ...written, created: false };
}

async function readSecrets(path: string): Promise<{ secrets: KeptSecrets; tightenedFrom?: number } | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw standaloneError('IOC_SECRETS_UNREADABLE', [path, (error as Error).message], { cause: error });
  }
  try {
    if (!(await file.stat()).isFile()) throw standaloneError('IOC_SECRETS_UNREADABLE', [path, 'it is not a regular file']);
    const tightenedFrom = await restrictToOwner(file, path);
    const text = await file.readFile('utf8').catch((error: unknown) => {
      throw standaloneError('IOC_SECRETS_UNREADABLE', [path, (error as Error).message], { cause: error });
    });
    return { secrets: parseSecrets(path, text), ...(tightenedFrom === undefined ? {} : { tightenedFrom }) };
  } finally {
    await file.close();
  }
}

/** Restricts the file to its owner when group or others have any access; returns the bits it had. */
async function restrictToOwner(file: FileHandle, path: string): Promise<number | undefined> {
  const permissions = (await file.stat()).mode & 0o777;
  if ((permissions & 0o077) === 0) return undefined;
  try {
    await file.chmod(OWNER_ONLY);
  } catch (error) {
    throw standaloneError('IOC_SECRETS_EXPOSED', [path, `0${permissions.toString(8)}`, (error as Error).message], { cause: error });
  }
  return permissions;
}

function parseSecrets(path: string, text: string): KeptSecrets {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw standaloneError('IOC_SECRETS_INVALID', [path, `not JSON: ${(error as Error).message}`], { cause: error });
  }
  const parsed = KeptSecretsSchema.safeParse(json);
  if (!parsed.success) throw standaloneError('IOC_SECRETS_INVALID', [path, summarizeIssues(parsed.error.issues)]);
  return parsed.data;
}

/**
 * Writes the file whole or not at all, and never over an existing one: the content goes to a
 * temporary file (mode 0600), is flushed, then hard-linked to its name, which fails if another
 * start got there first. Returns false in that case.
 */
async function writeOnce(path: string, body: string): Promise<boolean> {
  const folder = dirname(path);
  const temporary = join(folder, `.${SECRETS_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temporary, 'wx', OWNER_ONLY);
    try {
      await file.writeFile(body, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw standaloneError('IOC_DATA_DIR_UNUSABLE', [folder, (error as Error).message], { cause: error });
  } finally {
    await rm(temporary, { force: true });
  }
  const directory = await open(folder, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return true;
}
