import type { RuleKindRegistry } from '../rule-kind.js';
import { anomalyKind } from './anomaly.js';
import { cameraEventCountKind } from './camera-event-count.js';
import { flatlineKind } from './flatline.js';
import { missingDataKind } from './missing-data.js';
import { physicalRangeKind } from './physical-range.js';
import { rateOfChangeKind } from './rate-of-change.js';
import { thresholdKind } from './threshold.js';
import { timeOfDayThresholdKind } from './time-of-day-threshold.js';

/** The kind that evaluates each rule type. Register a new rule type's kind here. */
export const RULE_KINDS: RuleKindRegistry = {
  threshold: thresholdKind,
  'rate-of-change': rateOfChangeKind,
  anomaly: anomalyKind,
  flatline: flatlineKind,
  'missing-data': missingDataKind,
  'physical-range': physicalRangeKind,
  'time-of-day-threshold': timeOfDayThresholdKind,
  'camera-event-count': cameraEventCountKind,
};
