import type { RuleInput } from './rule-input.js';

const EDITABLE = 'Editable default, not from a standard';

/** AI camera rules: repeated events of one type from one camera, cleared once they stop recurring. */
export const CAMERA_RULES: RuleInput[] = [
  {
    id: 'camera-intrusion',
    version: 1,
    type: 'camera-event-count',
    domain: 'traffic',
    deviceKinds: ['camera'],
    name: { vi: 'Xâm nhập lặp lại vào khu vực cấm', en: 'Repeated intrusion into a restricted zone' },
    severity: 'critical',
    eventTypes: ['intrusion'],
    minCount: 3,
    windowSeconds: 600,
    minConfidence: 0.6,
    clearAfterSeconds: 900,
    source: `${EDITABLE}: 3 intrusions within 10 minutes from one camera (one may be a false detection); clears after 15 minutes without one.`,
  },
  {
    id: 'camera-crowd',
    version: 1,
    type: 'camera-event-count',
    domain: 'traffic',
    deviceKinds: ['camera'],
    name: { vi: 'Tụ tập đông người kéo dài', en: 'Persistent crowd' },
    eventTypes: ['crowd'],
    minCount: 5,
    windowSeconds: 300,
    minConfidence: 0.6,
    clearAfterSeconds: 900,
    source: `${EDITABLE}: 5 crowd detections within 5 minutes from one camera; clears after 15 minutes without one.`,
  },
  {
    id: 'camera-wrong-way',
    version: 1,
    type: 'camera-event-count',
    domain: 'traffic',
    deviceKinds: ['camera'],
    name: { vi: 'Xe đi ngược chiều lặp lại', en: 'Repeated wrong-way driving' },
    eventTypes: ['wrong-way-violation'],
    minCount: 3,
    windowSeconds: 900,
    minConfidence: 0.6,
    clearAfterSeconds: 1800,
    source: `${EDITABLE}: 3 wrong-way vehicles within 15 minutes at one camera suggests roadworks or a misleading sign, not a few careless drivers; clears after 30 minutes without one.`,
  },
];
