import { describe, expect, it } from 'vitest';
import { RuleSetSchema, RuleStateCheckpointSchema, type Alert, type CameraEvent, type Reading, type RuleSet, type RuleSetInput, type RuleStateCheckpoint } from '../../../contracts/src/index.js';
import { Derivations } from '../../src/derived/derivations.js';
import { RuleEngine } from '../../src/engine/index.js';
import { defaultRuleSet } from '../../src/default-rules/index.js';
import { restoreRuleState, takeRuleState } from '../../src/rule-state.js';
import { AIR_STATION, MINUTE, PM25_RULE, T0, readingAt, ruleSet } from '../../../test-support/readings.js';

type RuleInput = RuleSetInput['rules'][number];
type Step = { reading: Reading } | { event: CameraEvent } | { tick: number };
const HOUR = 60 * MINUTE;
const base = { version: 1, name: { vi: 'Quy tắc', en: 'Rule' } } as const;

/** What a processor does with each record: readings and their derived readings through the engine, camera events, the timer. */
class Pipeline {
  readonly engine: RuleEngine;
  readonly derivations = new Derivations();
  /** Every alert change, as `ioc.alerts` would hold them. */
  readonly onBus: Alert[] = [];
  readonly derived: Reading[] = [];

  constructor(sets: RuleSet | RuleSet[]) {
    this.engine = new RuleEngine(sets);
  }

  run(steps: readonly Step[]): Alert[] {
    const changes: Alert[] = [];
    for (const step of steps) {
      if ('tick' in step) changes.push(...this.engine.tick(step.tick));
      else if ('event' in step) changes.push(...this.engine.onCameraEvent(step.event));
      else {
        changes.push(...this.engine.onReading(step.reading));
        for (const derived of this.derivations.add(step.reading)) {
          this.derived.push(derived);
          changes.push(...this.engine.onReading(derived));
        }
      }
    }
    this.onBus.push(...changes);
    return changes;
  }

  /** Checkpoints of `ids`, through JSON and the contract's schema, as they travel on the bus. */
  checkpoints(ids: readonly string[], takenAt: number): RuleStateCheckpoint[] {
    return ids.flatMap((id) => {
      const checkpoint = takeRuleState(this.engine, this.derivations, id, takenAt);
      return checkpoint === undefined ? [] : [RuleStateCheckpointSchema.parse(JSON.parse(JSON.stringify(checkpoint)))];
    });
  }

  /** A processor started after `from` stopped: reads `ioc.alerts`, then restores the checkpoints. */
  static restarted(sets: RuleSet | RuleSet[], from: Pipeline, checkpoints: readonly RuleStateCheckpoint[]): Pipeline {
    const pipeline = new Pipeline(sets);
    for (const alert of from.onBus) pipeline.engine.applyAlert(alert);
    for (const checkpoint of checkpoints) restoreRuleState(pipeline.engine, pipeline.derivations, checkpoint);
    return pipeline;
  }
}

/**
 * Runs `steps` through engine A; restarts at `cut` into engine B from A's checkpoints of `ids`
 * and the alerts on the bus; returns what each did from `cut` on.
 */
function restartAt(sets: RuleSet | RuleSet[], steps: readonly Step[], cut: number, ids: readonly string[]) {
  const a = new Pipeline(sets);
  a.run(steps.slice(0, cut));
  const checkpoints = a.checkpoints(ids, T0);
  const derivedBefore = a.derived.length;
  const b = Pipeline.restarted(sets, a, checkpoints);
  const expected = a.run(steps.slice(cut));
  const actual = b.run(steps.slice(cut));
  return { expected, actual, a, b, derivedAfter: a.derived.slice(derivedBefore), checkpoints };
}

const pm25At = (minute: number, pm25: number): Step => ({ reading: readingAt(minute, { pm25 }) });

describe('rule state restored from a checkpoint', () => {
  it('keeps a duration timer, an open alert and its escalation, whatever reading the restart falls on', () => {
    const values = [200, 200, 200, 300, 300, 300, 300, 300, 300, 300, 300, 200, 200, 200, 40, 40, 200, 200, 200, 200, 200, 200];
    const steps = values.map((pm25, minute) => pm25At(minute, pm25));
    const all = new Pipeline(ruleSet([PM25_RULE])).run(steps);
    expect(all.map((alert) => alert.lastChange)).toEqual(['opened', 'escalated', 'deescalated', 'resolved', 'opened']);

    for (let cut = 1; cut < steps.length; cut++) {
      const { expected, actual, a, b } = restartAt(ruleSet([PM25_RULE]), steps, cut, [AIR_STATION.deviceId]);
      expect(actual, `restarted after minute ${cut - 1}`).toEqual(expected);
      expect(b.engine.openAlerts()).toEqual(a.engine.openAlerts());
    }
  });

  it('opens at the minute the duration is reached, not 5 minutes after the restart', () => {
    const steps = [0, 1, 2, 3, 4, 5, 6].map((minute) => pm25At(minute, 200));
    const { actual } = restartAt(ruleSet([PM25_RULE]), steps, 3, [AIR_STATION.deviceId]);
    expect(actual).toMatchObject([{ lastChange: 'opened', openedAt: T0 + 5 * MINUTE, evidence: { since: T0 } }]);
  });

  it('raises an anomaly, hourly means and VN_AQI of the default rules after the restart exactly as without it, with no second warm-up', () => {
    // Three days of an air station every 5 minutes: a daily PM2.5 cycle between about 40 and 120
    // µg/m³ (VN_AQI crosses into Xấu and back each day), then a fire nearby on the third afternoon.
    const perDay = 288;
    const steps: Step[] = [];
    for (let i = 0; i < 3 * perDay; i++) {
      const daily = 80 + 40 * Math.sin((2 * Math.PI * i) / perDay);
      const fire = i >= 2 * perDay + 200 && i < 2 * perDay + 204 ? 220 : 0;
      steps.push(pm25At(i * 5, daily + 3 * Math.sin(i * 1.7) + fire));
    }
    // Mid-hour on the third day, before the fire: baselines just warm, an hour half averaged.
    const cut = 2 * perDay + 63;
    const { expected, actual, derivedAfter, a, b } = restartAt(defaultRuleSet(), steps, cut, [AIR_STATION.deviceId]);

    expect(expected.filter((alert) => alert.ruleId === 'env-air-pm25-unusual' && alert.lastChange === 'opened')).toHaveLength(1);
    expect(expected.some((alert) => alert.ruleId === 'env-vn-aqi')).toBe(true);
    expect(actual).toEqual(expected);
    expect(b.derived).toEqual(derivedAfter);
    expect(b.engine.openAlerts()).toEqual(a.engine.openAlerts());

    // Without the checkpoint, a new engine would still be warming up and miss the fire.
    const fresh = new Pipeline(defaultRuleSet());
    for (const alert of a.onBus.slice(0, a.onBus.length - expected.length)) fresh.engine.applyAlert(alert);
    expect(fresh.run(steps.slice(cut)).some((alert) => alert.ruleId === 'env-air-pm25-unusual')).toBe(false);
  });

  it('continues every kind of device under the default rules, every rule on, exactly as without the restart', () => {
    const profiles: Array<[Reading['kind'], Reading['domain'], Reading['metrics']]> = [
      ['air-station', 'environment', { pm25: 45, pm10: 80, no2: 60, so2: 40, co: 3000, o3: 80, noise: 62 }],
      ['surface-water-station', 'environment', { ph: 7.2, dissolvedOxygen: 6.5, cod: 10, tss: 40, ammonium: 0.15, waterTemperature: 27 }],
      ['wastewater-station', 'environment', { ph: 7, cod: 90, tss: 55, ammonium: 5, waterTemperature: 32 }],
      ['traffic-counter', 'traffic', { vehicleCount: 60, meanSpeed: 35, occupancy: 30 }],
      ['reservoir-station', 'reservoir', { waterLevel: 9, rainfall: 4, inflow: 120, gateOpening: 20 }],
      ['lighting-cabinet', 'lighting', { power: 3000, voltage: 224, current: 14, faults: 0 }],
    ];
    // Every 5 minutes for three days: a daily cycle, noise, and on the third day every metric
    // four times its usual value for an hour.
    const perDay = 288;
    const steps: Step[] = [];
    for (let i = 0; i < 3 * perDay; i++) {
      for (const [k, [kind, domain, typical]] of profiles.entries()) {
        const swing = 1 + 0.3 * Math.sin((2 * Math.PI * i) / perDay) + 0.05 * Math.sin(i * (1.3 + k));
        const disturbed = i >= 2 * perDay + 180 && i < 2 * perDay + 192 ? 4 : 1;
        const metrics = Object.fromEntries(Object.entries(typical).map(([metric, value]) => [metric, metric === 'faults' ? 0 : (value as number) * swing * disturbed]));
        const place = { deviceId: `${kind}-1`, domain, kind, siteId: `${kind}-1`, ward: 'Phường Hoàn Kiếm' };
        steps.push({ reading: readingAt(i * 5, metrics, place) });
      }
      steps.push({ tick: T0 + i * 5 * MINUTE + 2 * MINUTE });
    }
    const defaults = defaultRuleSet();
    const everyRule = { ...defaults, rules: defaults.rules.map((rule) => ({ ...rule, enabled: true })) };
    const ids = profiles.map(([kind]) => `${kind}-1`);
    const cut = 7 * (2 * perDay + 80) + 3;
    const { expected, actual, a, b } = restartAt(everyRule, steps, cut, ids);
    const anomalies = expected.filter((alert) => alert.ruleType === 'anomaly' && alert.lastChange === 'opened').map((alert) => alert.deviceId);
    expect(anomalies.sort()).toEqual(['air-station-1', 'lighting-cabinet-1', 'traffic-counter-1']);
    expect(actual).toEqual(expected);
    expect(b.engine.openAlerts()).toEqual(a.engine.openAlerts());
  });

  it('reports a device gone quiet from its learned report interval, as the stopped engine would have', () => {
    const silence: RuleInput = { ...base, id: 'silence', type: 'missing-data', domain: 'environment', intervalMultiplier: 3, minIntervalSeconds: 60, startupGraceSeconds: 0 };
    const steps: Step[] = [];
    for (let minute = 0; minute <= 60; minute++) {
      if (minute <= 20 || minute === 45) steps.push(pm25At(minute, 40));
      steps.push({ tick: T0 + minute * MINUTE + 30_000 });
    }
    const all = new Pipeline(ruleSet([silence])).run(steps);
    // Silent after minute 20, back at 45 for one reading, silent again.
    expect(all.map((alert) => alert.lastChange)).toEqual(['opened', 'resolved', 'opened']);

    for (const cut of [10, 30, 44, 50, 60]) {
      const { expected, actual } = restartAt(ruleSet([silence]), steps, cut, [AIR_STATION.deviceId]);
      expect(actual, `restarted at step ${cut}`).toEqual(expected);
    }
  });

  it('keeps counting camera events per camera and per site across the restart', () => {
    const rule: RuleInput = { ...base, id: 'intrusions', type: 'camera-event-count', domain: 'traffic', eventTypes: ['intrusion'], minCount: 3, windowSeconds: 600, clearAfterSeconds: 900 };
    const camera = { deviceId: 'CAM-01', domain: 'traffic', kind: 'camera', siteId: 'DEPOT-1', ward: 'Phường Hoàn Kiếm' } as const;
    const event = (minute: number, deviceId = 'CAM-01'): Step => ({
      event: { ...camera, deviceId, ts: T0 + minute * MINUTE, seq: minute, receivedAt: T0 + minute * MINUTE, eventId: `e${minute}`, eventType: 'intrusion', confidence: 0.9, count: 2 },
    });
    const steps: Step[] = [event(0), event(4, 'CAM-02'), event(5), event(9), event(20), { tick: T0 + 34 * MINUTE }, { tick: T0 + 36 * MINUTE }];
    const sets = ruleSet([rule, { ...rule, id: 'site-intrusions', groupBy: 'site' }]);
    const all = new Pipeline(sets).run(steps);
    expect(all.map((alert) => [alert.deviceId, alert.lastChange])).toEqual([
      ['DEPOT-1', 'opened'],
      ['CAM-01', 'opened'],
      ['CAM-01', 'resolved'],
      ['DEPOT-1', 'resolved'],
    ]);

    for (let cut = 1; cut < steps.length; cut++) {
      const { expected, actual } = restartAt(sets, steps, cut, ['CAM-01', 'CAM-02', 'DEPOT-1']);
      expect(actual, `restarted at step ${cut}`).toEqual(expected);
    }
  });

  it('keeps the rate-of-change window and the stuck-sensor run', () => {
    const rules: RuleInput[] = [
      { ...base, id: 'rising', type: 'rate-of-change', domain: 'environment', metric: 'pm25', windowSeconds: 600, maxRisePerMinute: 5, minReadings: 3 },
      { ...base, id: 'stuck', type: 'flatline', domain: 'environment', metric: 'no2', tolerance: 0, minReadings: 8 },
    ];
    const steps = Array.from({ length: 30 }, (_, minute): Step => ({ reading: readingAt(minute, { pm25: minute < 15 ? 40 + (minute % 3) : 40 + (minute - 14) * 8, no2: minute < 5 ? minute : 30 }) }));
    const all = new Pipeline(ruleSet(rules)).run(steps);
    expect(new Set(all.map((alert) => alert.ruleId))).toEqual(new Set(['rising', 'stuck']));

    for (let cut = 1; cut < steps.length; cut++) {
      const { expected, actual } = restartAt(ruleSet(rules), steps, cut, [AIR_STATION.deviceId]);
      expect(actual, `restarted at step ${cut}`).toEqual(expected);
    }
  });
});

describe('restoring safely', () => {
  const breach = [0, 1, 2, 3, 4, 5, 6, 7].map((minute) => pm25At(minute, 200));

  it('changes nothing when the same checkpoint, or an older one, is restored again', () => {
    const a = new Pipeline(ruleSet([PM25_RULE]));
    a.run(breach.slice(0, 3));
    const [older] = a.checkpoints([AIR_STATION.deviceId], T0);
    a.run(breach.slice(3, 7));
    const [latest] = a.checkpoints([AIR_STATION.deviceId], T0);

    const b = Pipeline.restarted(ruleSet([PM25_RULE]), a, [latest]);
    expect(b.engine.restore(latest)).toEqual({ restored: 0, dropped: 0 });
    expect(b.engine.restore(older)).toEqual({ restored: 0, dropped: 0 });
    expect(b.engine.openAlerts()).toEqual(a.engine.openAlerts());
    expect(b.run([pm25At(7, 200), pm25At(8, 40)])).toEqual(a.run([pm25At(7, 200), pm25At(8, 40)]));
  });

  it('does not reopen an episode the bus says ended after the checkpoint', () => {
    const a = new Pipeline(ruleSet([PM25_RULE]));
    a.run(breach);
    const [checkpoint] = a.checkpoints([AIR_STATION.deviceId], T0);
    expect(a.run([pm25At(8, 40)])).toMatchObject([{ state: 'resolved' }]);

    // The readings up to the resolution are behind the committed offset; a value in the
    // hysteresis band follows, which a condition restored as breaching since minute 0 would alert on.
    const b = Pipeline.restarted(ruleSet([PM25_RULE]), a, [checkpoint]);
    expect(b.engine.openAlerts()).toEqual([]);
    expect(b.run([pm25At(9, 145), pm25At(10, 145)])).toEqual(a.run([pm25At(9, 145), pm25At(10, 145)]));
    expect(b.onBus).toEqual([]);
  });

  it('drops the state of a rule whose definition changed, and only of that rule', () => {
    const anomaly: RuleInput = { ...base, id: 'pm25-anomaly', type: 'anomaly', domain: 'environment', metric: 'pm25', method: 'ewma', halfLifeSeconds: 3 * 3600, threshold: 6, clearScore: 2, warmupReadings: 30 };
    const a = new Pipeline(ruleSet([PM25_RULE, anomaly]));
    a.run(Array.from({ length: 40 }, (_, minute) => pm25At(minute, minute < 37 ? 40 + 5 * Math.sin(minute * 1.7) : 200)));
    const [checkpoint] = a.checkpoints([AIR_STATION.deviceId], T0);

    const renamed = ruleSet([{ ...PM25_RULE, version: 2, name: { vi: 'Bụi mịn', en: 'Fine dust' } }, anomaly], 2);
    expect(Pipeline.restarted(renamed, a, []).engine.restore(checkpoint)).toEqual({ restored: 2, dropped: 0 });

    const stricter = ruleSet([{ ...PM25_RULE, version: 2, warning: 100 }, anomaly], 2);
    const b = Pipeline.restarted(stricter, a, []);
    expect(b.engine.restore(checkpoint)).toEqual({ restored: 1, dropped: 1 });
    // The changed rule counts its 5 minutes from the first reading after the restart; the anomaly baseline is kept.
    const after = b.run([40, 41, 42, 43, 44, 45].map((minute) => pm25At(minute, 200)));
    expect(after.map((alert) => [alert.ruleId, alert.lastChange])).toEqual([['pm25', 'opened']]);
    expect(after[0].openedAt).toBe(T0 + 45 * MINUTE);
    expect(b.engine.checkpoint(AIR_STATION.deviceId, T0)?.streams[0].rules.find((rule) => rule.rule === 'pm25-anomaly')?.state).toMatchObject({ anomalous: true });
  });

  it('drops a rule state its kind cannot read, and only that one', () => {
    const rising: RuleInput = { ...base, id: 'rising', type: 'rate-of-change', domain: 'environment', metric: 'pm25', windowSeconds: 600, maxRisePerMinute: 5, minReadings: 3 };
    const a = new Pipeline(ruleSet([PM25_RULE, rising]));
    a.run(breach);
    const [checkpoint] = a.checkpoints([AIR_STATION.deviceId], T0);
    const rules = checkpoint.streams[0].rules.map((rule) => (rule.rule === 'rising' ? { ...rule, state: { window: { t: [T0], v: [] } } } : rule));
    const tampered = { ...checkpoint, streams: [{ ...checkpoint.streams[0], rules }] };
    expect(Pipeline.restarted(ruleSet([PM25_RULE, rising]), a, []).engine.restore(tampered)).toEqual({ restored: 1, dropped: 1 });
  });

  it('keeps the state of each rule set apart, the same rule id in two sets included', () => {
    const department = RuleSetSchema.parse({ id: 'so-tnmt', version: 3, rules: [{ ...PM25_RULE, warning: 100, forSeconds: 600 }] });
    const sets = [ruleSet([PM25_RULE]), department];
    const steps = Array.from({ length: 12 }, (_, minute) => pm25At(minute, 180));
    const { expected, actual, checkpoints } = restartAt(sets, steps, 3, [AIR_STATION.deviceId]);
    expect(checkpoints[0].ruleSets).toEqual({ test: 1, 'so-tnmt': 3 });
    expect(expected.map((alert) => [alert.ruleSetId, alert.openedAt])).toEqual([
      ['test', T0 + 5 * MINUTE],
      ['so-tnmt', T0 + 10 * MINUTE],
    ]);
    expect(actual).toEqual(expected);
    // Restored where only one of the sets is in force, the other's state has no rule to go to.
    expect(new RuleEngine(department).restore(checkpoints[0])).toEqual({ restored: 1, dropped: 1 });
  });

  it('restores a device the engine had never seen, with the rule sets it was taken under', () => {
    const a = new Pipeline(ruleSet([PM25_RULE]));
    a.run(breach.slice(0, 3));
    const [checkpoint] = a.checkpoints([AIR_STATION.deviceId], T0 + HOUR);
    expect(checkpoint).toMatchObject({ format: 1, deviceId: AIR_STATION.deviceId, takenAt: T0 + HOUR, ruleSets: { test: 1 } });
    expect(new RuleEngine(ruleSet([PM25_RULE])).restore(checkpoint)).toEqual({ restored: 1, dropped: 0 });
    expect(new RuleEngine(ruleSet([{ ...PM25_RULE, id: 'other' }])).restore(checkpoint)).toEqual({ restored: 0, dropped: 1 });
  });
});

describe('handing a device over to another instance', () => {
  it('forgets a camera and its site, so this instance no longer clears their alerts', () => {
    const rule: RuleInput = { ...base, id: 'intrusions', type: 'camera-event-count', domain: 'traffic', eventTypes: ['intrusion'], minCount: 2, windowSeconds: 600, clearAfterSeconds: 900 };
    const engine = new RuleEngine(ruleSet([rule, { ...rule, id: 'site-intrusions', groupBy: 'site' }]));
    const camera = { deviceId: 'CAM-01', domain: 'traffic', kind: 'camera', siteId: 'DEPOT-1', ward: 'Phường Hoàn Kiếm' } as const;
    for (const minute of [0, 1]) {
      engine.onCameraEvent({ ...camera, ts: T0 + minute * MINUTE, seq: minute, receivedAt: T0 + minute * MINUTE, eventId: `e${minute}`, eventType: 'intrusion', confidence: 0.9, count: 1 });
    }
    expect(engine.openAlerts()).toHaveLength(2);

    engine.forgetDevice('CAM-01');
    engine.forgetDevice('DEPOT-1');
    expect(engine.openAlerts()).toEqual([]);
    expect(engine.checkpoint('CAM-01', T0)).toBeUndefined();
    expect(engine.tick(T0 + 60 * MINUTE)).toEqual([]);
  });

  it('forgets the hour being averaged and the station’s VN_AQI hours', () => {
    const derivations = new Derivations();
    for (const minute of [0, 30, 60, 90]) derivations.add(readingAt(minute, { pm25: 100 }));
    expect(derivations.save(AIR_STATION.deviceId, 'environment')).toHaveProperty('hourly');
    derivations.forget(AIR_STATION.deviceId);
    expect(derivations.save(AIR_STATION.deviceId, 'environment')).toEqual({});
  });
});
