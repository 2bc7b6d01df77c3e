import { describe, expect, it } from 'vitest';
import { METRICS, type MetricName } from '../../contracts/src/index.js';
import type { SimMessage } from '../src/device-simulator.js';
import { SILENT_READINGS, type FaultKind } from '../src/faults.js';
import { METRIC_TRAITS } from '../src/metric-traits.js';
import { planSimulation } from '../src/plan.js';
import { NO_DEVICES, NO_FAULTS, atLocal, body, messages, validate } from './helpers.js';

const FLEET = { air: 10, water: 4, wastewater: 2, counters: 10, cameras: 10, reservoirs: 2, rainGauges: 2, lamps: 20, cabinets: 2 };
const DEVICES = 62;
const ROUNDS = 400;
const RATE = 0.02;

function run(faults: Partial<Record<FaultKind, number>>) {
  const plan = planSimulation({ fleet: FLEET, seed: 11, start: atLocal('2026-05-10', 0), faults: { ...NO_FAULTS, ...faults } });
  const slots = [];
  const it = plan.slots();
  for (let i = 0; i < DEVICES * ROUNDS; i++) slots.push(it.next().value);
  return slots;
}

function byDevice(list: SimMessage[]): Map<string, SimMessage[]> {
  const map = new Map<string, SimMessage[]>();
  for (const m of list) map.set(m.deviceId, [...(map.get(m.deviceId) ?? []), m]);
  return map;
}

/** Number of runs of consecutive messages carrying `fault`, per device. */
function onsets(list: SimMessage[], fault: FaultKind): number {
  let count = 0;
  for (const series of byDevice(list).values()) series.forEach((m, i) => m.faults.includes(fault) && !series[i - 1]?.faults.includes(fault) && count++);
  return count;
}

/** The same run without faults: value streams are separate from fault streams, so it holds the true values. */
const clean = new Map(run({}).map(({ message }) => [`${message!.deviceId}#${message!.seq}`, message!]));
const twin = (m: SimMessage) => clean.get(`${m.deviceId}#${m.seq}`)!;

describe('fault injection', () => {
  it.each(['spike', 'malformed', 'invalid'] as const)('injects %s into about the configured share of messages', (fault) => {
    const published = run({ [fault]: RATE }).flatMap((s) => (s.message ? [s.message] : []));
    const eligible = fault === 'spike' ? published.filter((m) => m.channel === 'telemetry') : published;
    const share = eligible.filter((m) => m.faults.includes(fault)).length / eligible.length;
    expect(share).toBeGreaterThan(RATE * 0.7);
    expect(share).toBeLessThan(RATE * 1.3);
  });

  it.each(['stuck', 'drift'] as const)('starts %s faults at about the configured rate per clean reading', (fault) => {
    const telemetry = run({ [fault]: RATE }).flatMap((s) => (s.message?.channel === 'telemetry' ? [s.message] : []));
    const unaffected = telemetry.filter((m) => !m.faults.includes(fault)).length;
    const rate = onsets(telemetry, fault) / unaffected;
    expect(rate).toBeGreaterThan(RATE * 0.7);
    expect(rate).toBeLessThan(RATE * 1.3);
  });

  it('makes every malformed and invalid message fail what ingest checks, in every variety', () => {
    const broken = run({ malformed: RATE, invalid: RATE }).flatMap((s) => (s.message && s.message.faults.length > 0 ? [s.message] : []));
    expect(broken.length).toBeGreaterThan(500);
    for (const message of broken) expect(validate(message.topic, message.payload), `${message.detail}: ${message.payload}`).toMatchObject({ ok: false });
    expect(new Set(broken.filter((m) => m.faults.includes('malformed')).map((m) => m.detail))).toEqual(new Set(['truncated', 'not-json', 'empty']));
    const violations = new Set(broken.filter((m) => m.faults.includes('invalid')).map((m) => m.detail));
    expect([...violations].sort()).toEqual(
      [
        'missing-seq',
        'negative-seq',
        'unknown-kind',
        'wrong-device-id',
        'timestamp-in-seconds',
        'metric-as-string',
        'unknown-metric',
        'empty-values',
        'confidence-as-percent',
        'negative-count',
        'unknown-event-type',
      ].sort(),
    );
  });

  it('throws spikes far from the true value, within the physical range', () => {
    const spiked = run({ spike: RATE }).flatMap((s) => (s.message?.faults.includes('spike') ? [s.message] : []));
    expect(spiked.length).toBeGreaterThan(50);
    for (const message of spiked) {
      const values = body(message).values as Record<MetricName, number>;
      const truth = body(twin(message)).values as Record<MetricName, number>;
      const jumps = (Object.keys(values) as MetricName[]).map((metric) => {
        const [min, max] = METRICS[metric].range;
        const atBound = values[metric] === min || values[metric] === max;
        return atBound && values[metric] !== truth[metric] ? Infinity : Math.abs(values[metric] - truth[metric]) / METRIC_TRAITS[metric].scale;
      });
      expect(Math.max(...jumps), message.payload).toBeGreaterThanOrEqual(3.9);
      expect(validate(message.topic, message.payload)).toEqual({ ok: true });
    }
  });

  it('lets a stuck device repeat its previous values for a while', () => {
    const published = run({ stuck: RATE }).flatMap((s) => (s.message ? [s.message] : []));
    let checked = 0;
    for (const series of byDevice(published).values()) {
      series.forEach((m, i) => {
        if (!m.faults.includes('stuck')) return;
        expect(body(m).values).toEqual(body(series[i - 1]).values);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('grows a drifting bias reading after reading', () => {
    const published = run({ drift: RATE }).flatMap((s) => (s.message ? [s.message] : []));
    let longRuns = 0;
    for (const series of byDevice(published).values()) {
      const drifting = series.filter((m) => m.faults.includes('drift'));
      if (drifting.length < 30) continue;
      const bias = (m: SimMessage) => {
        const values = body(m).values as Record<MetricName, number>;
        const truth = body(twin(m)).values as Record<MetricName, number>;
        return Math.max(...(Object.keys(values) as MetricName[]).map((k) => Math.abs(values[k] - truth[k]) / METRIC_TRAITS[k].scale));
      };
      expect(bias(drifting[29])).toBeGreaterThan(bias(drifting[0]));
      longRuns++;
    }
    expect(longRuns).toBeGreaterThan(0);
  });

  it('silences a device for a few readings, then it returns with its sequence continuing', () => {
    const slots = run({ silent: RATE });
    const perDevice = new Map<string, (SimMessage | null)[]>();
    for (const slot of slots) perDevice.set(slot.device.spec.deviceId, [...(perDevice.get(slot.device.spec.deviceId) ?? []), slot.message]);
    let gaps = 0;
    for (const series of perDevice.values()) {
      let run = 0;
      let lastSeq = -1;
      for (const message of series) {
        if (!message) {
          run++;
          continue;
        }
        if (run > 0) {
          expect(run).toBeGreaterThanOrEqual(SILENT_READINGS[0]);
          expect(run).toBeLessThanOrEqual(SILENT_READINGS[1]);
          gaps++;
        }
        run = 0;
        expect(message.seq).toBe(lastSeq + 1);
        lastSeq = message.seq;
      }
    }
    expect(gaps).toBeGreaterThan(50);
  });

  it('gives lamps equipment faults whose readings show the symptom', () => {
    const plan = planSimulation({ fleet: { ...NO_DEVICES, lamps: 40 }, start: atLocal('2026-05-10', 0), faults: NO_FAULTS, lampFaultRate: 0.05 });
    const flagged = messages(plan, 40 * 300).filter((m) => body(m).faults.length > 0);
    const seen = new Set<string>();
    for (const message of flagged) {
      const { powerState, values, faults } = body(message);
      for (const fault of faults) seen.add(fault);
      if (faults.includes('lamp-failure')) expect(values.power).toBeLessThan(2);
      if (faults.includes('day-burner')) expect(powerState).toBe('on');
      if (faults.includes('supply-voltage-high')) expect(values.voltage).toBeGreaterThan(250);
      if (faults.includes('thermal-derating')) expect(values.dimming).toBeLessThanOrEqual(60);
      expect(validate(message.topic, message.payload)).toEqual({ ok: true });
    }
    expect([...seen].sort()).toEqual(['day-burner', 'lamp-failure', 'power-factor-low', 'supply-voltage-high', 'thermal-derating']);
  });
});
