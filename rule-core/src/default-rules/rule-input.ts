import type { RuleSetInput } from '../../../contracts/src/index.js';

/** A rule as written in a default set, before RuleSetSchema fills in its defaults. */
export type RuleInput = RuleSetInput['rules'][number];
