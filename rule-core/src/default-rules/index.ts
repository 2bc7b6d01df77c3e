import { DEFAULT_RULE_SET_ID, RuleSetSchema, type RuleSet } from '../../../contracts/src/index.js';
import { ANOMALY_RULES } from './anomaly.js';
import { CAMERA_RULES } from './cameras.js';
import { DATA_QUALITY_RULES } from './data-quality.js';
import { ENVIRONMENT_RULES } from './environment.js';
import { LIGHTING_RULES } from './lighting.js';
import { RESERVOIR_RULES } from './reservoir.js';
import { TRAFFIC_RULES } from './traffic.js';

/**
 * The rules the processor starts with, for all four domains and the cameras: limits (threshold,
 * time of day, VN_AQI), rates of change, anomalies, stuck sensors, silent devices and values out
 * of physical range; each names the standard and edition its limits come from, or says it is an
 * editable default. Departments override a rule for a ward, station or device with an entry of
 * the same id at that scope. Two templates ship off: water levels, which only make sense per
 * station (see reservoir.ts), and the special-zone noise limits (see environment.ts).
 */
export function defaultRuleSet(): RuleSet {
  return RuleSetSchema.parse({
    id: DEFAULT_RULE_SET_ID,
    version: 1,
    description: 'Default rules: limits from Vietnamese standards (QCVN 05:2023, 08:2023, 40:2011, 26:2010, VN_AQI of Decision 1459/QĐ-TCMT), camera, anomaly and data-quality rules as editable operational defaults.',
    rules: [...ENVIRONMENT_RULES, ...TRAFFIC_RULES, ...RESERVOIR_RULES, ...LIGHTING_RULES, ...CAMERA_RULES, ...ANOMALY_RULES, ...DATA_QUALITY_RULES],
  });
}
