import { describe, expect, it } from 'vitest';
import { DOMAIN_OF_KIND, IdentifierSchema, METRICS, type MetricName } from '../../contracts/src/index.js';
import { planSimulation } from '../src/plan.js';
import { atLocal, body, messages, validate } from './helpers.js';

const START = atLocal('2026-03-02', 6);

describe('the same options give the same run', () => {
  it('repeats the fleet and every message for the same seed and start', () => {
    const a = messages(planSimulation({ seed: 7, start: START }), 3 * 368);
    const b = messages(planSimulation({ seed: 7, start: START }), 3 * 368);
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
  });

  it('keeps device ids across seeds but changes the readings', () => {
    const a = planSimulation({ seed: 1, start: START });
    const b = planSimulation({ seed: 2, start: START });
    expect(b.devices).toEqual(a.devices);
    const payloadsA = messages(a, 368).map((m) => m.payload);
    const payloadsB = messages(b, 368).map((m) => m.payload);
    const same = payloadsA.filter((p, i) => p === payloadsB[i]).length;
    expect(same).toBeLessThan(payloadsA.length / 10);
  });
});

describe('the default fleet', () => {
  const plan = planSimulation({ start: START });

  it('has the documented size per kind, with topic-safe ids and wards of the 2025 reform', () => {
    const perKind: Record<string, number> = {};
    for (const device of plan.devices) perKind[device.kind] = (perKind[device.kind] ?? 0) + 1;
    expect(perKind).toEqual({
      'air-station': 20,
      'surface-water-station': 8,
      'wastewater-station': 4,
      'traffic-counter': 40,
      camera: 60,
      'reservoir-station': 6,
      'rain-gauge': 10,
      lamp: 200,
      'lighting-cabinet': 20,
    });
    expect(new Set(plan.devices.map((d) => d.deviceId)).size).toBe(plan.devices.length);
    for (const device of plan.devices) {
      expect(IdentifierSchema.safeParse(device.deviceId).success, device.deviceId).toBe(true);
      expect(IdentifierSchema.safeParse(device.siteId).success, device.siteId).toBe(true);
      expect(device.ward).toMatch(/^(Phường|Xã) \p{Lu}/u);
      expect(device.domain).toBe(DOMAIN_OF_KIND[device.kind]);
    }
    expect(plan.devices.map((d) => d.deviceId)).toContain('air-hoankiem-01');
    expect(plan.devices.find((d) => d.deviceId === 'air-badinh-01')?.ward).toBe('Phường Ba Đình');
  });

  it('lays out Đà Nẵng with its own wards', () => {
    const danang = planSimulation({ province: 'da nang', start: START });
    expect(danang.province.name).toBe('Đà Nẵng');
    expect(danang.devices[0]).toMatchObject({ deviceId: 'air-haichau-01', ward: 'Phường Hải Châu' });
  });

  it('publishes readings that pass the contract, on their own topics, with physical values and seq counting up', () => {
    const all = messages(plan, 5 * 368);
    const clean = all.filter((m) => !m.faults.includes('malformed') && !m.faults.includes('invalid'));
    expect(clean.length).toBeGreaterThan(0.98 * all.length);
    const lastSeq = new Map<string, number>();
    for (const message of clean) {
      expect(validate(message.topic, message.payload)).toEqual({ ok: true });
      const payload = body(message);
      const device = plan.devices.find((d) => d.deviceId === message.deviceId)!;
      expect(message.topic).toBe(`ioc/${device.domain}/${device.siteId}/${device.deviceId}/${device.kind === 'camera' ? 'event' : 'telemetry'}`);
      expect(payload.ts).toBe(message.ts);
      for (const [metric, value] of Object.entries(payload.values ?? {})) {
        const [min, max] = METRICS[metric as MetricName].range;
        expect(value).toBeGreaterThanOrEqual(min);
        expect(value).toBeLessThanOrEqual(max);
      }
    }
    for (const message of all) {
      const previous = lastSeq.get(message.deviceId);
      expect(message.seq).toBe(previous === undefined ? 0 : previous + 1);
      lastSeq.set(message.deviceId, message.seq);
    }
  });

  it('spreads readings evenly and advances the simulated clock by --speed', () => {
    const it = plan.slots();
    const first = it.next().value;
    for (let i = 1; i < 368; i++) it.next();
    const nextRound = it.next().value;
    expect(nextRound.device).toBe(first.device);
    expect(nextRound.dueMs).toBeCloseTo(10_000, 6);
    expect(nextRound.time - first.time).toBe(10_000 * 60);
  });

  it('derives the interval from --rate', () => {
    expect(planSimulation({ rate: 736 }).intervalMs).toBeCloseTo(500, 6);
  });
});
