export * from './engine/index.js';
export * from './anomaly/index.js';
export * from './derived/index.js';
export { defaultRuleSet } from './default-rules/index.js';
export { genericAnomalyRuleSet } from './default-rules/generic.js';
export { restoreRuleState, takeRuleState } from './rule-state.js';
