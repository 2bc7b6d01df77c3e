import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** A file path, or a stream for recordings that do not come from a file. */
export type RecordingSource = string | Readable;

export function sourceName(source: RecordingSource): string {
  return typeof source === 'string' ? source : 'input';
}

/** The lines of a recording, one at a time, without loading the file; a UTF-8 BOM is dropped. */
export async function* readLines(source: RecordingSource): AsyncGenerator<string> {
  const input = typeof source === 'string' ? createReadStream(source, { encoding: 'utf8' }) : source;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of lines) {
      yield first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      first = false;
    }
  } finally {
    lines.close();
    if (typeof source === 'string') input.destroy();
  }
}
