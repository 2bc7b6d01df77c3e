import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, RuleSetSchema, isRuleSetRemoval, type RuleSet, type RuleSetInput } from '../../contracts/src/index.js';
import type { DeliveredRecord } from '../../platform/src/index.js';
import { ADMIN_PASSWORD, OPERATOR, startTestDashboard, waitFor, type TestDashboard } from './support/test-dashboard.js';

const DEPARTMENT = { username: 'thu.le', password: 'department-password-1', role: 'environment-admin' } as const;

let test: TestDashboard;
let published: RuleSet[];
beforeEach(async () => {
  test = await startTestDashboard({ users: { adminPassword: ADMIN_PASSWORD, seed: [OPERATOR, DEPARTMENT] } });
  published = [];
  await test.bus.consume(BUS_TOPICS.rules, { groupId: 'test-rules', fromBeginning: true }, async (records: DeliveredRecord<typeof BUS_TOPICS.rules>[]) => {
    for (const record of records) if (!isRuleSetRemoval(record.value)) published.push(record.value);
  });
});
afterEach(async () => {
  await test?.close();
});

function airRules(version: number, pm25Warning: unknown = 150): RuleSetInput {
  return {
    id: 'environment',
    version,
    rules: [
      {
        id: 'pm25-high',
        version: 1,
        type: 'threshold',
        domain: 'environment',
        name: { vi: 'Bụi PM2.5 cao', en: 'PM2.5 high' },
        metric: 'pm25',
        direction: 'above',
        warning: pm25Warning as number,
        critical: 250,
        forSeconds: 300,
      },
    ],
  };
}

async function put(token: string, body: unknown) {
  const response = await fetch(`${test.url}/api/rule-sets/environment`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('changing rule sets', () => {
  it('lets the environment department publish a valid rule set, audited with who, why and what changed', async () => {
    const token = await test.login(DEPARTMENT.username, DEPARTMENT.password);
    const first = await put(token, { ruleSet: airRules(1), comment: 'QCVN 05:2023 defaults' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'environment', version: 1, updatedBy: DEPARTMENT.username });

    const second = await put(token, { ruleSet: airRules(2, 120), comment: 'Tighter PM2.5 warning during the dry season' });
    expect(second.status).toBe(200);
    await waitFor(() => (published.length === 2 ? true : undefined), 'both versions on ioc.rules');
    expect(published.map((set) => set.version)).toEqual([1, 2]);
    expect(await test.get<RuleSet>('/api/rule-sets/environment', token)).toMatchObject({ version: 2 });

    const audit = (await test.auditEntries())
      .filter((entry) => entry.action === 'rules.change');
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({
      actor: DEPARTMENT.username,
      role: 'environment-admin',
      target: 'environment',
      comment: 'Tighter PM2.5 warning during the dry season',
      details: { fromVersion: 1, toVersion: 2, changed: ['pm25-high@{"level":"domain"}'], added: [], removed: [] },
    });
  });

  it('refuses an invalid rule set naming the exact field at fault, and publishes nothing', async () => {
    const token = await test.login(DEPARTMENT.username, DEPARTMENT.password);
    const response = await put(token, { ruleSet: airRules(1, 'one hundred'), comment: 'typo' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('IOC_INVALID_RULE_SET');
    expect(response.body.details.issues).toContainEqual(expect.objectContaining({ path: 'rules[0].warning' }));
    expect(response.body.message).toContain('rules[0].warning');
    expect(published).toHaveLength(0);
  });

  it('refuses a change made on a stale version instead of undoing a colleague’s change', async () => {
    const token = await test.login(DEPARTMENT.username, DEPARTMENT.password);
    expect((await put(token, { ruleSet: airRules(1), comment: 'first' })).status).toBe(200);
    const stale = await put(token, { ruleSet: airRules(1, 100), comment: 'edited an old copy' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('IOC_RULE_SET_VERSION');
    expect(stale.body.message).toContain('send version 2');
  });

  it('lists exactly the sets in force on ioc.rules: several at once, and a removal published by any tool takes one out', async () => {
    const token = await test.login(DEPARTMENT.username, DEPARTMENT.password);
    const defaults: RuleSet = { ...(airRules(1) as RuleSet), id: 'default', rules: [{ ...(airRules(1).rules[0] as RuleSet['rules'][number]), id: 'pm25-default' }] };
    await test.bus.publish(BUS_TOPICS.rules, [{ key: 'default', value: RuleSetSchema.parse(defaults) }]);
    expect((await put(token, { ruleSet: airRules(1), comment: 'the department’s own limits' })).status).toBe(200);
    const inForce = async () => ((await test.get<RuleSet[]>('/api/rule-sets', token)) ?? []).map((set) => `${set.id}@${set.version}`);
    await expect.poll(inForce).toEqual(['default@1', 'environment@1']);

    // As a processor or another dashboard would: straight on the bus.
    await test.bus.publish(BUS_TOPICS.rules, [{ key: 'environment', value: { id: 'environment', removed: true, version: 2, removedAt: Date.now(), removedBy: 'ops-script', reason: 'season over' } }]);
    await expect.poll(inForce).toEqual(['default@1']);
    const history = await test.get<Array<{ kind: string; changedBy: string; comment?: string }>>('/api/rule-sets/environment/history', token);
    expect(history?.map((entry) => [entry.kind, entry.changedBy, entry.comment])).toEqual([
      ['version', DEPARTMENT.username, 'the department’s own limits'],
      ['removal', 'ops-script', 'season over'],
    ]);
    // Publishing it again starts from the removal's version.
    expect((await put(token, { ruleSet: airRules(2), comment: 'back for the dry season' })).body.code).toBe('IOC_RULE_SET_VERSION');
    expect((await put(token, { ruleSet: airRules(3), comment: 'back for the dry season' })).status).toBe(200);
    await expect.poll(inForce).toEqual(['default@1', 'environment@3']);
  });

  it('does not let operators change rules', async () => {
    const token = await test.login(OPERATOR.username, OPERATOR.password);
    const response = await put(token, { ruleSet: airRules(1), comment: 'not my job' });
    expect(response.status).toBe(403);
    expect(published).toHaveLength(0);
  });
});
