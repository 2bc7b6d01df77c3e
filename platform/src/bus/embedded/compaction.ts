import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFrame, type StoredRecord } from './frame.js';
import { Segment, segmentFileName, syncDirectory } from './segment.js';

const SWAP = /^(\d{20})-(\d{20})-(\d{20})\.swap$/;

/**
 * Rewrites `segments` (closed, synced, consecutive) into one file holding only the records `keep`
 * accepts, offsets unchanged. Crash-safe by file names: the new file is written as `.tmp`,
 * synced and renamed to `<from>-<to>-<first>.swap`, which marks it complete; then the old
 * segments are deleted and the swap file takes its segment name. recoverCompaction() finishes
 * the same steps after a crash. Compacted topics are small (one record per rule set or device),
 * so this runs synchronously.
 */
export function compactSegments(directory: string, segments: readonly Segment[], keep: (record: StoredRecord) => boolean): Segment | null {
  if (segments.length === 0) return null;
  const kept: StoredRecord[] = [];
  for (const segment of segments) kept.push(...segment.read(segment.first, Infinity, Infinity).filter(keep));
  const from = segments[0].base;
  const to = segments[segments.length - 1].end;
  if (kept.length === 0) {
    for (const segment of segments) segment.remove();
    return null;
  }
  const first = kept[0].offset;
  const swap = join(directory, `${pad(from)}-${pad(to)}-${pad(first)}.swap`);
  const frames = encodeFrame(kept);
  const fd = openSync(`${swap}.tmp`, 'w');
  try {
    let written = 0;
    while (written < frames.length) written += writeSync(fd, frames, written, frames.length - written, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${swap}.tmp`, swap);
  syncDirectory(directory);
  for (const segment of segments) segment.remove();
  const path = join(directory, segmentFileName(first));
  renameSync(swap, path);
  syncDirectory(directory);
  return Segment.open(path, first, { recover: false }).segment;
}

/** Finishes a compaction a crash interrupted: a complete swap file replaces the segments it covers. */
export function recoverCompaction(directory: string): void {
  for (const name of readdirSync(directory)) {
    const match = SWAP.exec(name);
    if (!match) continue;
    const [from, to, first] = [Number(match[1]), Number(match[2]), Number(match[3])];
    for (const other of readdirSync(directory)) {
      const base = /^(\d{20})\.(log|summary\.json)$/.exec(other);
      if (base && Number(base[1]) >= from && Number(base[1]) < to) rmSync(join(directory, other), { force: true });
    }
    renameSync(join(directory, name), join(directory, segmentFileName(first)));
    syncDirectory(directory);
  }
}

function pad(offset: number): string {
  return String(offset).padStart(20, '0');
}
