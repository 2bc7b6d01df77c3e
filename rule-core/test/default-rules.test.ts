import { describe, expect, it } from 'vitest';
import { DOMAIN_OF_KIND, METRICS, RuleSetSchema, type Reading } from '../../contracts/src/index.js';
import { RuleEngine } from '../src/engine/index.js';
import { defaultRuleSet } from '../src/default-rules/index.js';
import { readingAt } from '../../test-support/readings.js';

const place = (kind: Reading['kind'], deviceId = `${kind}-1`) => ({ deviceId, domain: DOMAIN_OF_KIND[kind], kind, siteId: deviceId, ward: 'Phường Hoàn Kiếm' });

/** Feeds the same values for `minutes` minutes, one reading a minute; returns the alert changes. */
function hold(engine: RuleEngine, kind: Reading['kind'], metrics: Reading['metrics'], minutes = 10, deviceId = `${kind}-1`) {
  return Array.from({ length: minutes + 1 }, (_, minute) => engine.onReading(readingAt(minute, metrics, place(kind, deviceId)))).flat();
}

describe('default rule set', () => {
  const rules = defaultRuleSet().rules;

  it('covers all four domains, and every rule names where its limits come from', () => {
    expect(new Set(rules.map((rule) => rule.domain))).toEqual(new Set(['environment', 'traffic', 'reservoir', 'lighting']));
    for (const rule of rules) expect(rule.source, rule.id).toMatch(/QCVN|Decision|Decree|standard|default/i);
  });

  it('only uses metrics and device kinds of each rule\'s own domain', () => {
    for (const rule of rules) {
      if ('metric' in rule) expect(METRICS[rule.metric].domain, rule.id).toBe(rule.domain);
      for (const kind of rule.deviceKinds ?? []) expect(DOMAIN_OF_KIND[kind], rule.id).toBe(rule.domain);
    }
  });

  it('holds a river to surface-water limits and an outfall to wastewater limits', () => {
    const engine = new RuleEngine(defaultRuleSet());
    expect(hold(engine, 'surface-water-station', { cod: 40 }).map((alert) => alert.ruleId)).toEqual(['env-sw-cod']);
    expect(hold(engine, 'wastewater-station', { cod: 40 })).toEqual([]);
    expect(hold(engine, 'wastewater-station', { cod: 160 }, 10, 'wastewater-station-2').map((alert) => alert.ruleId)).toEqual(['env-ww-cod']);
  });

  it('alerts on the QCVN 05:2023 one-hour SO2 limit after five minutes, not before', () => {
    const engine = new RuleEngine(defaultRuleSet());
    expect(hold(engine, 'air-station', { so2: 400 }, 4)).toEqual([]);
    const [opened] = engine.onReading(readingAt(5, { so2: 400 }, place('air-station')));
    expect(opened).toMatchObject({ ruleId: 'env-air-so2', severity: 'warning' });
    expect(opened.message.en).toBe('SO2 at station air-station-1 (Phường Hoàn Kiếm) is 400 µg/m³, above the warning limit 350 µg/m³');
  });

  it('alerts on a lamp fault at once', () => {
    const engine = new RuleEngine(defaultRuleSet());
    const [opened] = engine.onReading(readingAt(0, { faults: 1, voltage: 228 }, place('lamp')));
    expect(opened).toMatchObject({ ruleId: 'lighting-faults', severity: 'warning', value: 1 });
  });

  it('leaves water levels off until a station is given its own levels', () => {
    const defaults = defaultRuleSet();
    const engine = new RuleEngine(defaults);
    expect(hold(engine, 'reservoir-station', { waterLevel: 32 })).toEqual([]);

    const template = defaults.rules.find((rule) => rule.id === 'reservoir-water-level')!;
    const hoPhuNinh = { ...template, scope: { level: 'station' as const, siteId: 'reservoir-station-2' }, enabled: true, warning: 32.5, critical: 33 };
    const configured = new RuleEngine(RuleSetSchema.parse({ ...defaults, rules: [...defaults.rules, hoPhuNinh] }));
    expect(hold(configured, 'reservoir-station', { waterLevel: 32.6 })).toEqual([]);
    const alerts = hold(configured, 'reservoir-station', { waterLevel: 32.6 }, 10, 'reservoir-station-2');
    expect(alerts).toMatchObject([{ ruleId: 'reservoir-water-level', severity: 'warning', siteId: 'reservoir-station-2' }]);
  });

  it('ships a rule of every type', () => {
    expect(new Set(rules.map((rule) => rule.type))).toEqual(new Set(['threshold', 'time-of-day-threshold', 'rate-of-change', 'anomaly', 'flatline', 'missing-data', 'physical-range', 'camera-event-count']));
  });

  it('holds noise to 70 dBA by day and 55 dBA at night (QCVN 26:2010, Vietnam time)', () => {
    const engine = new RuleEngine(defaultRuleSet());
    // T0 is 10:00 local: 62 dBA is fine by day; at 21:00 local (minute 660) the night limit applies.
    expect(hold(engine, 'air-station', { noise: 62 }).filter((alert) => alert.ruleId === 'env-noise')).toEqual([]);
    const night = Array.from({ length: 6 }, (_, i) => engine.onReading(readingAt(660 + i, { noise: 62 }, place('air-station')))).flat();
    expect(night.map((alert) => [alert.ruleId, alert.evidence.limit])).toEqual([['env-noise', 55]]);
  });

  it('counts camera events only for cameras, and does not expect cameras to report regularly', () => {
    const cameraRules = rules.filter((rule) => rule.type === 'camera-event-count');
    expect(cameraRules.length).toBeGreaterThan(0);
    for (const rule of cameraRules) expect(rule.deviceKinds).toEqual(['camera']);
    const trafficSilence = rules.find((rule) => rule.id === 'traffic-silent')!;
    expect(trafficSilence.deviceKinds).toEqual(['traffic-counter']);
  });
});
