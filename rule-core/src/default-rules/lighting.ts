import type { RuleInput } from './rule-input.js';

const SUPPLY =
  'Editable default for a 220 V supply, not from a standard: set it to the rated input range of the installed lamp drivers.';

export const LIGHTING_RULES: RuleInput[] = [
  {
    id: 'lighting-faults',
    version: 1,
    type: 'threshold',
    domain: 'lighting',
    name: { vi: 'Đèn hoặc tủ điện báo lỗi', en: 'Lamp or cabinet reports a fault' },
    metric: 'faults',
    direction: 'above',
    warning: 0,
    forSeconds: 0,
    source:
      'Not a limit from a standard: any active fault flag of the lamp controller (uCIFI/LwM2M object 3416 Outdoor Lamp Controller: lamp, control gear, relay, day burner, cycling, thermal, supply alarms) opens an alert at once.',
  },
  {
    id: 'lighting-voltage-high',
    version: 1,
    type: 'threshold',
    domain: 'lighting',
    name: { vi: 'Điện áp nguồn cao', en: 'High supply voltage' },
    metric: 'voltage',
    direction: 'above',
    warning: 250,
    hysteresis: 3,
    forSeconds: 60,
    source: `${SUPPLY} Above 250 V for a minute.`,
  },
  {
    id: 'lighting-voltage-low',
    version: 1,
    type: 'threshold',
    domain: 'lighting',
    deviceKinds: ['lighting-cabinet'],
    name: { vi: 'Điện áp nguồn thấp', en: 'Low supply voltage' },
    metric: 'voltage',
    direction: 'below',
    warning: 190,
    hysteresis: 3,
    forSeconds: 60,
    source: `${SUPPLY} Below 190 V for a minute. Cabinets only: a lamp controller may report the voltage at the light source, which is 0 while its schedule keeps the lamp off.`,
  },
];
