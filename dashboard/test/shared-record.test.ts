import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSharedRecord } from './support/shared-record-suite.js';

describeSharedRecord('SQLite (the embedded default)', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'ioc-record-'));
  return { location: { file: join(folder, 'ioc.sqlite') }, drop: () => rm(folder, { recursive: true, force: true }) };
});
