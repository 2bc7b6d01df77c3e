import type { RuleInput } from './rule-input.js';

const NO_STANDARD =
  'Editable default: Vietnam has no standard for congestion levels. Tune it per intersection with a station-scoped rule, from that intersection\'s usual values.';

export const TRAFFIC_RULES: RuleInput[] = [
  {
    id: 'traffic-occupancy',
    version: 1,
    type: 'threshold',
    domain: 'traffic',
    deviceKinds: ['traffic-counter'],
    name: { vi: 'Độ chiếm dụng mặt đường cao', en: 'High road occupancy' },
    metric: 'occupancy',
    direction: 'above',
    warning: 60,
    critical: 85,
    hysteresis: 5,
    forSeconds: 300,
    source: `${NO_STANDARD} Occupancy (share of time a detector is occupied, FIWARE TrafficFlowObserved) above 60 % for 5 minutes suggests congestion, above 85 % a standstill.`,
  },
  {
    id: 'traffic-speed-low',
    version: 1,
    type: 'threshold',
    domain: 'traffic',
    deviceKinds: ['traffic-counter'],
    name: { vi: 'Ùn tắc: tốc độ trung bình thấp', en: 'Congestion: low mean speed' },
    metric: 'meanSpeed',
    direction: 'below',
    warning: 10,
    hysteresis: 2,
    forSeconds: 300,
    source: `${NO_STANDARD} Mean speed below 10 km/h for 5 minutes. Counters must leave meanSpeed out of a period with no vehicles, or an empty road at night reads as congestion.`,
  },
];
