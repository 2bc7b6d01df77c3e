import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type AuditEntry } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { AuditLog } from '../src/audit/audit-log.js';

let folder: string;
let bus: InProcessBus;
afterEach(async () => {
  await bus?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('AuditLog', () => {
  it('appends each entry as a JSON line, publishes it on ioc.audit and reads recent entries back after a restart', async () => {
    folder = await mkdtemp(join(tmpdir(), 'ioc-audit-'));
    const path = join(folder, 'nested', 'audit.ndjson');
    bus = new InProcessBus();
    const published: AuditEntry[] = [];
    await bus.consume(BUS_TOPICS.audit, { groupId: 'observer' }, async (records) => {
      published.push(...records.map((r) => r.value));
    });

    const first = await AuditLog.open({ path, bus });
    const entries = await Promise.all(
      ['ops.a', 'ops.b', 'ops.c'].map((actor) => first.record({ actor, role: 'operator', action: 'alert.acknowledge', target: 'alert-1', comment: 'seen' })),
    );
    await first.close();

    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual(entries);
    await expect.poll(() => published.length).toBe(3);
    expect(published.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());

    const reopened = await AuditLog.open({ path, bus });
    expect(reopened.recent(2)).toEqual([entries[2], entries[1]]);
    await reopened.close();
  });

  it('refuses an entry that does not match the audit schema and writes nothing', async () => {
    folder = await mkdtemp(join(tmpdir(), 'ioc-audit-'));
    const path = join(folder, 'audit.ndjson');
    bus = new InProcessBus();
    const log = await AuditLog.open({ path, bus });
    await expect(log.record({ actor: '', action: 'alert.acknowledge', target: 'a' })).rejects.toThrow(/actor/);
    await log.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });
});
