import { dashboardError } from '../errors.js';
import { BUS_TOPICS, RuleSetSchema, type RuleSet, type RuleSetInput } from '../../../contracts/src/index.js';
import type { Bus } from '../../../platform/src/index.js';
import { describeIssues, summarizeIssues } from '../../../platform/src/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Session } from '../auth/tokens.js';

/**
 * The rule sets in force, as published on `ioc.rules` (the latest version of each id), and the
 * one way to change them: validated in full, checked against the version the editor started
 * from, audited, then published for every processor to pick up.
 */
export class RuleSets {
  private readonly current = new Map<string, RuleSet>();
  /** Changes run one at a time, so two editors cannot both publish version N+1. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { bus: Bus; auditLog: AuditLog; now: () => number }) {}

  /** Folds a rule set from the bus; older versions than the one held are ignored. */
  apply(ruleSet: RuleSet) {
    const held = this.current.get(ruleSet.id);
    if (!held || ruleSet.version > held.version) this.current.set(ruleSet.id, ruleSet);
  }

  list(): RuleSet[] {
    return [...this.current.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): RuleSet | undefined {
    return this.current.get(id);
  }

  /**
   * Replaces rule set `id`. The submitted set must carry the next version (held version + 1, or
   * any version for a new id): an editor working on a stale copy is refused instead of silently
   * undoing someone else's change. Nothing is published unless the whole set is valid.
   */
  change(id: string, input: unknown, session: Session, comment: string): Promise<RuleSet> {
    const run = this.queue.catch(() => undefined).then(async () => {
      const parsed = RuleSetSchema.safeParse(input);
      if (!parsed.success) {
        throw dashboardError('IOC_INVALID_RULE_SET', [summarizeIssues(parsed.error.issues)], { details: { issues: describeIssues(parsed.error.issues) } });
      }
      const submitted = parsed.data;
      if (submitted.id !== id) throw dashboardError('IOC_INVALID_RULE_SET', [`id: "${submitted.id}" does not match the rule set in the path, "${id}"`]);
      const held = this.current.get(id);
      if (held && submitted.version !== held.version + 1) {
        throw dashboardError('IOC_RULE_SET_VERSION', [id, String(held.version), String(submitted.version), String(held.version + 1)]);
      }
      const at = this.deps.now();
      const next: RuleSet = { ...submitted, updatedAt: at, updatedBy: session.username };
      await this.deps.auditLog.record({
        at,
        actor: session.username,
        role: session.role,
        action: 'rules.change',
        target: id,
        comment,
        details: { fromVersion: held?.version ?? null, toVersion: next.version, ...ruleDifferences(held, next) },
      });
      await this.deps.bus.publish(BUS_TOPICS.rules, [{ key: id, value: next }]);
      this.apply(next);
      return next;
    });
    this.queue = run;
    return run;
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
