import { hash } from 'node:crypto';
import type { Rule } from '../../../contracts/src/index.js';

/**
 * A fingerprint of what a rule does: every field but its name, source and version, so renaming
 * a rule or republishing it unchanged keeps its state in a checkpoint, and any change to its
 * condition, scope or parameters drops it. Computed once per rule when a rule set is loaded.
 */
export function ruleDefinition(rule: Rule): string {
  const { name: _name, source: _source, version: _version, ...definition } = rule;
  return hash('sha1', canonicalJson(definition), 'base64url').slice(0, 12);
}

/** JSON with object keys sorted, so the same definition always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
