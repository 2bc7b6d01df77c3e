import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { standaloneError } from './errors.js';
import { openSecrets, type OpenedSecrets } from './secrets.js';

/** Where each part keeps what must survive a restart on the embedded default, inside IOC_DATA_DIR. */
export interface DataDirLayout {
  root: string;
  /** device password and session-token key, mode 0600 (secrets.ts) */
  secrets: string;
  /** the local store's daily NDJSON files of readings and alert snapshots */
  store: string;
  /** the in-process bus's log: readings, alerts, rule sets and rule-state checkpoints */
  bus: string;
  /** the operations record (SQLite): accounts, rule-set versions, alert history, audit log */
  database: string;
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    secrets: join(root, 'secrets.json'),
    store: join(root, 'store'),
    bus: join(root, 'bus'),
    database: join(root, 'ioc.sqlite'),
  };
}

/**
 * Each part's own variables pointed into the data directory, unless the environment sets them:
 * the parts read their configuration as they would alone.
 */
export function withDataDirDefaults(environment: NodeJS.ProcessEnv, layout: DataDirLayout): NodeJS.ProcessEnv {
  const defaults: NodeJS.ProcessEnv = { DATABASE_FILE: layout.database, PROCESSOR_DATA_DIR: layout.store };
  for (const [name, value] of Object.entries(environment)) if (value !== undefined) defaults[name] = value;
  return defaults;
}

/** Creates the directory (owner only: it holds secrets and password hashes) and checks it is writable. */
export async function prepareDataDir(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    await access(root, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw standaloneError('IOC_DATA_DIR_UNUSABLE', [root, (error as Error).message], { cause: error });
  }
}

export interface DataDir {
  layout: DataDirLayout;
  secrets: OpenedSecrets;
  /** The given environment with the parts' own variables pointed into the data directory. */
  environment: NodeJS.ProcessEnv;
}

/** Makes the data directory ready: created, writable, secrets generated or read back. */
export async function openDataDir(root: string, given: NodeJS.ProcessEnv): Promise<DataDir> {
  const layout = dataDirLayout(root);
  await prepareDataDir(root);
  return { layout, secrets: await openSecrets(root), environment: withDataDirDefaults(given, layout) };
}
