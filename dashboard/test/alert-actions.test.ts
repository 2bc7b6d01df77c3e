import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '../../contracts/src/index.js';
import { InProcessBus } from '../../platform/src/index.js';
import { AlertActions } from '../src/alerts/alert-actions.js';
import { AlertStore } from '../src/alerts/alert-store.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { findAlert, recordAlerts } from '../src/record/alert-history.js';
import { openRecord, type OperationsRecord } from '../src/record/open-record.js';
import { makeAlert } from './support/fixtures.js';

let folder: string;
let record: OperationsRecord;
let bus: InProcessBus;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ioc-actions-'));
  record = await openRecord({ file: join(folder, 'ioc.sqlite') });
  bus = new InProcessBus();
});
afterEach(async () => {
  await record.close();
  await bus.close();
  await rm(folder, { recursive: true, force: true });
});

const OPERATOR = { username: 'minh.pham', role: 'operator' as const, issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };

describe('alert actions on a replica whose live view is behind the record', () => {
  it('refuses to acknowledge an alert another replica already acknowledged, though its bus feed has not brought that yet', async () => {
    const opened = makeAlert();
    const now = Date.now();
    await recordAlerts(record, [acknowledgeAlert(opened, 'lan.nguyen', now, 'Đã cử đội kiểm tra')]);
    const behind = new AlertStore();
    behind.apply(opened, now);
    const actions = new AlertActions({ alerts: behind, record, bus, auditLog: new AuditLog({ record, bus }), apply: () => undefined, now: () => now + 1000 });

    await expect(actions.acknowledge(opened.id, OPERATOR, 'me too')).rejects.toMatchObject({ code: 'IOC_ALERT_TRANSITION', statusCode: 409 });
    const lifecycle = (await findAlert(record.db, opened.id))!.lifecycle;
    expect(lifecycle.filter((step) => step.change === 'acknowledged')).toEqual([expect.objectContaining({ by: 'lan.nguyen', comment: 'Đã cử đội kiểm tra' })]);
  });

  it('resolves it, recording who, when and why before answering', async () => {
    const opened = makeAlert();
    const now = Date.now();
    await recordAlerts(record, [acknowledgeAlert(opened, 'lan.nguyen', now, 'on it')]);
    const behind = new AlertStore();
    behind.apply(opened, now);
    const actions = new AlertActions({ alerts: behind, record, bus, auditLog: new AuditLog({ record, bus }), apply: () => undefined, now: () => now + 1000 });

    const resolved = await actions.resolve(opened.id, OPERATOR, 'Trạm đã được vệ sinh');
    expect(resolved).toMatchObject({ state: 'resolved', acknowledgedBy: 'lan.nguyen', resolvedBy: OPERATOR.username });
    expect((await findAlert(record.db, opened.id))!.lifecycle.map((step) => [step.change, step.by])).toEqual([
      ['opened', undefined],
      ['acknowledged', 'lan.nguyen'],
      ['resolved', OPERATOR.username],
    ]);
  });
});
