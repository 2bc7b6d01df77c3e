/**
 * Derived readings (hourly means, VN_AQI) are a processor feature, configured with the
 * processor, not rules in a rule set: they produce data that the store, the dashboard and
 * every rule use, must run once per station whatever rules apply to it, and VN_AQI has no
 * parameters an environment department may change (Decision 1459/QĐ-TCMT fixes them).
 */
export * from './vn-aqi.js';
export * from './hourly-average.js';
export * from './station-aqi.js';
export * from './derivations.js';
