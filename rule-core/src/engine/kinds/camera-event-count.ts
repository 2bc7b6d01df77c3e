import { SavedCameraCountSchema, type CameraEventCountRule, type CameraEventType, type SavedCameraCount } from '../../../../contracts/src/index.js';
import { SlidingEventCounter } from '../../anomaly/event-counter.js';
import { NONE, severityLevel, type AlertLevel, type CompiledRule, type RuleKind } from '../rule-kind.js';
import { formatNumber, placeText } from '../wording.js';

export interface CompiledCameraEventCount extends CompiledRule<CameraEventCountRule> {
  readonly metric: null;
  readonly eventGroup: 'device' | 'site';
  readonly level: AlertLevel;
  readonly windowMs: number;
  readonly clearAfterMs: number;
  readonly eventTypes: ReadonlySet<CameraEventType>;
}

export interface CameraEventCountState {
  windowMs: number;
  events: SlidingEventCounter;
  /** Whether the count reached the rule's minimum and the events have not stopped since. */
  active: boolean;
  /** Events in the window at the last qualifying event, for the evidence. */
  count: number;
}

const EVENT_TEXT: Record<CameraEventType, { vi: string; en: string }> = {
  crowd: { vi: 'tụ tập đông người', en: 'crowd' },
  intrusion: { vi: 'xâm nhập', en: 'intrusion' },
  congestion: { vi: 'ùn tắc', en: 'congestion' },
  'red-light-violation': { vi: 'vượt đèn đỏ', en: 'red-light violation' },
  'wrong-way-violation': { vi: 'đi ngược chiều', en: 'wrong-way driving' },
};

/**
 * At least `minCount` qualifying events within `windowSeconds`, per camera or per site. The alert
 * opens on the event that reaches the count and clears, on the timer, once no qualifying event
 * has arrived for `clearAfterSeconds`: a recurring problem stays one alert.
 */
export const cameraEventCountKind: RuleKind<CameraEventCountRule, CompiledCameraEventCount, CameraEventCountState> = {
  compile(rule) {
    return {
      rule,
      metric: null,
      metricIndex: -1,
      forMs: 0,
      eventGroup: rule.groupBy,
      level: severityLevel(rule.severity),
      windowMs: rule.windowSeconds * 1000,
      clearAfterMs: rule.clearAfterSeconds * 1000,
      eventTypes: new Set(rule.eventTypes),
    };
  },

  createState(rule) {
    return { windowMs: rule.windowMs, events: new SlidingEventCounter(rule.windowMs, rule.rule.minCount), active: false, count: 0 };
  },

  evaluate() {
    return NONE;
  },

  onEvent(rule, state, event) {
    if (!rule.eventTypes.has(event.eventType) || event.confidence < rule.rule.minConfidence) return null;
    if (state.windowMs !== rule.windowMs) {
      state.windowMs = rule.windowMs;
      state.events = new SlidingEventCounter(rule.windowMs, rule.rule.minCount);
    }
    state.events.record(event.ts, event.count);
    state.count = state.events.countAt(event.ts);
    if (state.count >= rule.rule.minCount) state.active = true;
    return state.active ? rule.level : null;
  },

  tick(rule, state, now) {
    if (!state.active || now - state.events.lastEventTime < rule.clearAfterMs) return null;
    state.active = false;
    return NONE;
  },

  saveState(state): SavedCameraCount {
    return { ...state.events.save(), active: state.active, count: state.count };
  },

  loadState(rule, saved) {
    const parsed = SavedCameraCountSchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const events = new SlidingEventCounter(rule.windowMs, rule.rule.minCount);
    events.load(parsed.data);
    return { windowMs: rule.windowMs, events, active: parsed.data.active, count: parsed.data.count };
  },

  evidence({ rule }, state) {
    return {
      eventTypes: rule.eventTypes,
      eventsInWindow: state.count,
      lastEventAt: state.events.lastEventTime,
      largestEventCount: state.events.largestCount(),
      minCount: rule.minCount,
      windowSeconds: rule.windowSeconds,
      groupBy: rule.groupBy,
      minConfidence: rule.minConfidence,
      clearAfterSeconds: rule.clearAfterSeconds,
    };
  },

  message({ rule }, state, _level, _value, place) {
    const where = placeText(place);
    const types = rule.eventTypes.map((type) => EVENT_TEXT[type]);
    const minutes = formatNumber(rule.windowSeconds / 60);
    return {
      vi: `Camera ${where.vi} ghi nhận ${state.count} sự kiện ${types.map((t) => t.vi).join(', ')} trong ${minutes} phút (ngưỡng ${rule.minCount})`,
      en: `Cameras ${where.en} recorded ${state.count} ${types.map((t) => t.en).join(', ')} events within ${minutes} minutes (limit ${rule.minCount})`,
    };
  },
};
