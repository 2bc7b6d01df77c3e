import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { embeddedBusError } from './errors.js';

const openHere = new Set<string>();

/**
 * Claims the bus directory for this process: two writers would interleave their appends. A lock
 * left by a process that is gone (killed, crashed) is taken over.
 */
export function lockDirectory(directory: string): () => void {
  const path = resolve(directory);
  mkdirSync(path, { recursive: true });
  const lockFile = join(path, 'LOCK');
  if (openHere.has(path)) throw embeddedBusError('IOC_BUS_DIRECTORY_IN_USE', [path, String(process.pid)]);
  const holder = readHolder(lockFile);
  if (holder !== null && holder !== process.pid && isAlive(holder)) throw embeddedBusError('IOC_BUS_DIRECTORY_IN_USE', [path, String(holder)]);
  writeFileSync(lockFile, String(process.pid));
  openHere.add(path);
  return () => {
    openHere.delete(path);
    rmSync(lockFile, { force: true });
  };
}

function readHolder(lockFile: string): number | null {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
