import { describe, expect, it } from 'vitest';
import { RuleSetSchema, type RuleSetInput } from '../src/index.js';
import { describeIssues } from '../../platform/src/index.js';

const pm25 = {
  id: 'pm25-high',
  version: 1,
  type: 'threshold',
  domain: 'environment',
  name: { vi: 'Bụi PM2.5 cao', en: 'PM2.5 high' },
  metric: 'pm25',
  direction: 'above',
  warning: 150,
  critical: 250,
} as const;

function set(...rules: unknown[]): RuleSetInput {
  return { id: 'default', version: 1, rules } as RuleSetInput;
}

/** The paths zod reports, as an operator's error message shows them. */
function faults(input: unknown): string[] {
  const result = RuleSetSchema.safeParse(input);
  return result.success ? [] : describeIssues(result.error.issues).map((issue) => issue.path);
}

describe('rule sets', () => {
  it('accepts a threshold rule and fills in the defaults', () => {
    const parsed = RuleSetSchema.parse(set(pm25));
    expect(parsed.rules[0]).toMatchObject({ scope: { level: 'domain' }, enabled: true, hysteresis: 0, forSeconds: 0 });
  });

  it('accepts the same rule id at a narrower scope (a station override)', () => {
    expect(faults(set(pm25, { ...pm25, scope: { level: 'station', siteId: 'air-hoankiem-01' }, warning: 120 }))).toEqual([]);
  });

  it('refuses each mistake naming the field at fault', () => {
    expect(faults(set({ ...pm25, critical: 100 }))).toEqual(['rules[0].critical']);
    expect(faults(set({ ...pm25, warning: undefined, critical: undefined }))).toEqual(['rules[0].warning']);
    expect(faults(set({ ...pm25, metric: 'pm2.5' }))).toEqual(['rules[0].metric']);
    expect(faults(set({ ...pm25, hysteresis: -1 }))).toEqual(['rules[0].hysteresis']);
    expect(faults(set({ ...pm25, scope: { level: 'district', district: 'Ba Đình' } }))).toEqual(['rules[0].scope.level']);
    expect(faults(set(pm25, pm25))).toEqual(['rules[1].id']);
    expect(faults({ ...set(pm25), version: 0 })).toEqual(['version']);
  });

  it('orders levels the other way for rules on values that must stay high', () => {
    const oxygen = { ...pm25, id: 'do-low', metric: 'dissolvedOxygen', direction: 'below', warning: 5, critical: 4 };
    expect(faults(set(oxygen))).toEqual([]);
    expect(faults(set({ ...oxygen, critical: 6 }))).toEqual(['rules[0].critical']);
  });
});
