import { dashboardError } from '../errors.js';
import { BUS_TOPICS, RuleSetSchema, type RuleSet, type RuleSetInput, type RuleSetRecord, type RuleSetRemoval } from '../../../contracts/src/index.js';
import type { Bus } from '../../../platform/src/index.js';
import { describeIssues, summarizeIssues } from '../../../platform/src/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Session } from '../auth/tokens.js';
import type { OperationsRecord } from '../record/open-record.js';
import { addRuleSetRecord, latestRuleSetEntry, ruleSetHistory, ruleSetsInForce, type RuleSetHistoryEntry } from '../record/rule-set-record.js';

export interface RuleSetsDeps {
  record: OperationsRecord;
  bus: Bus;
  auditLog: AuditLog;
  now: () => number;
}

/**
 * The rule sets in force and every version before them, in the operations record, and the one way
 * to change them. The record follows `ioc.rules` (what processors evaluate): every replica adds
 * each version and removal it reads, so what is listed as in force is what runs. A change is
 * validated in full, checked against the version the editor started from, recorded and audited
 * in one transaction under the rule-sets write lock (so two replicas cannot both publish version
 * N+1), and published on `ioc.rules` before that transaction commits: a change the bus refused
 * is not recorded, and one recorded is on the bus.
 */
export class RuleSets {
  constructor(private readonly deps: RuleSetsDeps) {}

  /** Records a version or removal read from the bus; repeats change nothing. */
  async apply(record: RuleSetRecord): Promise<void> {
    await addRuleSetRecord(this.deps.record.db, record);
  }

  list(): Promise<RuleSet[]> {
    return ruleSetsInForce(this.deps.record.db);
  }

  /** The set's version in force; undefined when it never existed or was removed. */
  async get(id: string): Promise<RuleSet | undefined> {
    const latest = await latestRuleSetEntry(this.deps.record.db, id);
    return latest?.kind === 'version' ? (latest.record as RuleSet) : undefined;
  }

  /** Every version and removal of the set, oldest first; IOC_RULE_SET_NOT_FOUND when it never existed. */
  async history(id: string): Promise<RuleSetHistoryEntry[]> {
    const entries = await ruleSetHistory(this.deps.record.db, id);
    if (entries.length === 0) throw dashboardError('IOC_RULE_SET_NOT_FOUND', [id]);
    return entries;
  }

  /**
   * Replaces rule set `id`, or adds it. The submitted set must carry the next version (the
   * newest version or removal + 1; any version for an id never used): an editor working on a
   * stale copy is refused instead of silently undoing someone else's change.
   */
  async change(id: string, input: unknown, session: Session, comment: string): Promise<RuleSet> {
    const parsed = RuleSetSchema.safeParse(input);
    if (!parsed.success) {
      throw dashboardError('IOC_INVALID_RULE_SET', [summarizeIssues(parsed.error.issues)], { details: { issues: describeIssues(parsed.error.issues) } });
    }
    const submitted = parsed.data;
    if (submitted.id !== id) throw dashboardError('IOC_INVALID_RULE_SET', [`id: "${submitted.id}" does not match the rule set in the path, "${id}"`]);
    return this.publish(id, async (latest, at) => {
      if (latest && submitted.version !== latest.version + 1) {
        throw dashboardError('IOC_RULE_SET_VERSION', [id, String(latest.version), String(submitted.version), String(latest.version + 1)]);
      }
      const held = latest?.kind === 'version' ? (latest.record as RuleSet) : undefined;
      const next: RuleSet = { ...submitted, updatedAt: at, updatedBy: session.username };
      const audit = {
        at,
        actor: session.username,
        role: session.role,
        action: 'rules.change' as const,
        target: id,
        comment,
        details: { fromVersion: held?.version ?? null, toVersion: next.version, ...ruleDifferences(held, next) },
      };
      return { record: next, audit };
    }, comment);
  }

  /** Takes set `id` out of force: processors stop evaluating it and resolve its alerts with `comment` as the reason. */
  async remove(id: string, session: Session, comment: string): Promise<RuleSetRemoval> {
    return this.publish(id, async (latest, at) => {
      if (latest?.kind !== 'version') throw dashboardError('IOC_RULE_SET_NOT_FOUND', [id]);
      const removal: RuleSetRemoval = { id, removed: true, version: latest.version + 1, removedAt: at, removedBy: session.username, reason: comment };
      const rules = (latest.record as RuleSet).rules.map((rule) => `${rule.id}@${JSON.stringify(rule.scope)}`);
      const audit = { at, actor: session.username, role: session.role, action: 'rules.remove' as const, target: id, comment, details: { fromVersion: latest.version, toVersion: removal.version, removed: rules } };
      return { record: removal, audit };
    }, comment);
  }

  private async publish<T extends RuleSetRecord>(
    id: string,
    decide: (latest: RuleSetHistoryEntry | undefined, at: number) => Promise<{ record: T; audit: Parameters<AuditLog['record']>[0] }>,
    comment: string,
  ): Promise<T> {
    const { record, bus, auditLog } = this.deps;
    const { change, entry } = await record.write('rule-sets', async (trx) => {
      const { record: change, audit } = await decide(await latestRuleSetEntry(trx, id), this.deps.now());
      await addRuleSetRecord(trx, change, comment);
      const entry = await auditLog.recordWithin(trx, audit);
      await bus.publish(BUS_TOPICS.rules, [{ key: id, value: change }]);
      return { change, entry };
    });
    await auditLog.publish([entry]);
    return change;
  }
}

/** Which rules were added, removed or changed, by id and scope: the audit trail's "what". */
function ruleDifferences(before: RuleSet | undefined, after: RuleSet) {
  const identity = (rule: RuleSet['rules'][number]) => `${rule.id}@${JSON.stringify(rule.scope)}`;
  const old = new Map((before?.rules ?? []).map((rule) => [identity(rule), JSON.stringify(rule)]));
  const added: string[] = [];
  const changed: string[] = [];
  for (const rule of after.rules) {
    const key = identity(rule);
    const previous = old.get(key);
    if (previous === undefined) added.push(key);
    else if (previous !== JSON.stringify(rule)) changed.push(key);
    old.delete(key);
  }
  return { added, changed, removed: [...old.keys()] };
}

export type { RuleSetInput };
