export { RuleEngine } from './engine.js';
export { RULE_KINDS } from './kinds/index.js';
export { thresholdKind, type CompiledThreshold } from './kinds/threshold.js';
export { selectRules, scopeMatches, type PlacedRule } from './scope.js';
export { alertId } from './alert-id.js';
export * from './rule-kind.js';
export { CATALOGUE_RANGES, METRIC_INDEX, METRIC_NAMES, metricRanges, type MetricRanges } from './physical-ranges.js';
