import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type AuditEntry } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { openRecord, type OperationsRecord } from '../src/record/open-record.js';

let folder: string;
let bus: InProcessBus;
let record: OperationsRecord | undefined;
afterEach(async () => {
  await record?.close();
  record = undefined;
  await bus?.close();
  await rm(folder, { recursive: true, force: true });
});

async function openLog() {
  folder = await mkdtemp(join(tmpdir(), 'ioc-audit-'));
  bus = new InProcessBus();
  record = await openRecord({ file: join(folder, 'nested', 'ioc.sqlite') });
  return new AuditLog({ record, bus });
}

describe('AuditLog', () => {
  it('commits each entry to the record, publishes it on ioc.audit and reads entries back after a restart', async () => {
    const first = await openLog();
    const published: AuditEntry[] = [];
    await bus.consume(BUS_TOPICS.audit, { groupId: 'observer' }, async (records) => {
      published.push(...records.map((r) => r.value));
    });
    const entries: AuditEntry[] = [];
    for (const [index, actor] of ['ops.a', 'ops.b', 'ops.c'].entries()) {
      entries.push(await first.record({ at: 1_000 + index, actor, role: 'operator', action: 'alert.acknowledge', target: 'alert-1', comment: 'đã kiểm tra' }));
    }
    await expect.poll(() => published.length).toBe(3);
    expect(published).toEqual(entries);

    await record!.close();
    record = await openRecord({ file: join(folder, 'nested', 'ioc.sqlite') });
    const reopened = new AuditLog({ record, bus });
    expect(await reopened.recent(2)).toEqual([entries[2], entries[1]]);
  });

  it('refuses an entry that does not match the audit schema and keeps nothing', async () => {
    const log = await openLog();
    await expect(log.record({ actor: '', action: 'alert.acknowledge', target: 'a' })).rejects.toThrow(/actor/);
    expect(await log.recent(10)).toEqual([]);
  });
});
