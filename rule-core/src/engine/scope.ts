import { SCOPE_RANK, type DeviceKind, type Domain, type RuleScope } from '../../../contracts/src/index.js';
import type { DevicePlace } from './rule-kind.js';

/** The fields of a rule that decide where it applies; every rule type has them. */
export interface PlacedRule {
  readonly id: string;
  readonly domain: Domain;
  readonly scope: RuleScope;
  readonly enabled: boolean;
  readonly deviceKinds?: readonly DeviceKind[];
  readonly derived?: string;
}

export function scopeMatches(scope: RuleScope, place: DevicePlace): boolean {
  switch (scope.level) {
    case 'domain':
      return true;
    case 'ward':
      return scope.ward === place.ward;
    case 'station':
      return scope.siteId === place.siteId;
    case 'device':
      return scope.deviceId === place.deviceId;
  }
}

/**
 * The rules that apply to a device: of the entries whose domain, device kinds, derived readings
 * and scope match,
 * the narrowest scope of each rule id wins (device > station > ward > domain). A narrower entry
 * that is disabled switches the rule off for that device, so a station can opt out of a
 * provincial rule.
 */
export function selectRules<R extends PlacedRule>(rules: readonly R[], place: DevicePlace): R[] {
  const chosen = new Map<string, R>();
  for (const rule of rules) {
    if (rule.domain !== place.domain || rule.derived !== place.derived || !scopeMatches(rule.scope, place)) continue;
    if (rule.deviceKinds !== undefined && !rule.deviceKinds.includes(place.kind)) continue;
    const current = chosen.get(rule.id);
    if (current === undefined || SCOPE_RANK[rule.scope.level] > SCOPE_RANK[current.scope.level]) chosen.set(rule.id, rule);
  }
  return [...chosen.values()].filter((rule) => rule.enabled);
}
