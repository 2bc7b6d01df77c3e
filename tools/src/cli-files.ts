import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toolError, type ToolErrorCode } from './errors.js';

/**
 * Files the command-line tools read and write. A missing input is refused with the tool's own
 * options error (`--input: no file "x.ndjson"`) before any work starts, not as a raw ENOENT
 * halfway through.
 */
export async function requireFile(path: string, flag: string, code: ToolErrorCode): Promise<void> {
  const found = await stat(path).then((s) => s.isFile(), () => false);
  if (!found) throw toolError(code, [`${flag}: no file "${path}"`]);
}

export async function requireDirectory(path: string, flag: string, code: ToolErrorCode): Promise<void> {
  const found = await stat(path).then((s) => s.isDirectory(), () => false);
  if (!found) throw toolError(code, [`${flag}: no folder "${path}"`]);
}

/** Writes an output file, creating its folder (the untracked `.data/` of the defaults). */
export async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (error) {
    throw toolError('IOC_OUTPUT_NOT_WRITTEN', [path, (error as Error).message], { cause: error });
  }
}
