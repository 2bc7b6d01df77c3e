import { describe, expect, it } from 'vitest';
import type { SimMessage } from '../src/device-simulator.js';
import type { FleetSizes } from '../src/fleet.js';
import { planSimulation } from '../src/plan.js';
import { POLLUTION_EPISODE } from '../src/scenario.js';
import { NO_DEVICES, NO_FAULTS, atLocal, body, messages } from './helpers.js';

/** A weekday. */
const DAY = '2026-03-03';

/** Rounds of readings of `fleet` from a local hour on; in real time by default, so every reading falls within seconds of it. */
function readingsAt(fleet: Partial<FleetSizes>, hour: number, rounds = 1, speed = 1): SimMessage[] {
  const plan = planSimulation({ fleet: { ...NO_DEVICES, ...fleet }, start: atLocal(DAY, hour), speed, faults: NO_FAULTS, lampFaultRate: 0 });
  return messages(plan, plan.devices.length * rounds);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const metric = (list: SimMessage[], name: string) => list.map((m) => body(m).values[name] as number);

describe('daily patterns in local time (UTC+7)', () => {
  it('switches street lamps on in the evening, dims them after midnight and keeps them off at noon', () => {
    const evening = readingsAt({ lamps: 40, cabinets: 4 }, 20);
    for (const m of evening) {
      expect(body(m).powerState).toBe('on');
      expect(body(m).faults).toEqual([]);
      expect(body(m).values.power).toBeGreaterThan(m.kind === 'lamp' ? 55 : 2000);
      expect(body(m).values.voltage).toBeGreaterThanOrEqual(215);
      expect(body(m).values.voltage).toBeLessThanOrEqual(235);
    }
    for (const m of readingsAt({ lamps: 40, cabinets: 4 }, 2)) {
      expect(body(m).powerState).toBe('low');
      expect(body(m).values.dimming).toBe(50);
    }
    for (const m of readingsAt({ lamps: 40, cabinets: 4 }, 12)) {
      expect(body(m).powerState).toBe('off');
      expect(body(m).faults).toEqual([]);
      expect(body(m).values.power).toBeLessThan(m.kind === 'lamp' ? 1 : 20);
    }
  });

  it('counts more vehicles, slower and denser, at the 08:00 rush hour than at 03:00', () => {
    // Ten-minute counting periods, as at the default speed.
    const rush = readingsAt({ counters: 40 }, 8, 1, 60);
    const night = readingsAt({ counters: 40 }, 3, 1, 60);
    const speeds = (list: SimMessage[]) => metric(list, 'meanSpeed').filter((v) => v !== undefined);
    expect(rush.every((m) => body(m).intervalSeconds === 600)).toBe(true);
    expect(mean(metric(rush, 'vehicleCount'))).toBeGreaterThan(5 * mean(metric(night, 'vehicleCount')));
    expect(mean(speeds(rush))).toBeLessThan(mean(speeds(night)) - 10);
    expect(mean(metric(rush, 'occupancy'))).toBeGreaterThan(3 * mean(metric(night, 'occupancy')));
  });

  it('leaves mean speed out when no vehicle passed', () => {
    const quiet = readingsAt({ counters: 40 }, 3).filter((m) => body(m).values.vehicleCount === 0);
    expect(quiet.length).toBeGreaterThan(0);
    for (const m of quiet) expect(body(m).values).not.toHaveProperty('meanSpeed');
  });

  it('raises NO2 with the evening rush and noise by day', () => {
    const rush = readingsAt({ air: 20 }, 18);
    const night = readingsAt({ air: 20 }, 3);
    const no2 = (list: SimMessage[]) => mean(metric(list, 'no2').filter((v) => v !== undefined));
    expect(no2(rush)).toBeGreaterThan(1.5 * no2(night));
    expect(mean(metric(readingsAt({ air: 20 }, 14), 'noise'))).toBeGreaterThan(mean(metric(night, 'noise')) + 8);
  });

  it('reports congestion at rush hour and intrusions at night from the cameras', () => {
    const share = (list: SimMessage[], type: string) => list.filter((m) => body(m).eventType === type).length / list.length;
    expect(share(readingsAt({ cameras: 30 }, 8, 10), 'congestion')).toBeGreaterThan(3 * share(readingsAt({ cameras: 30 }, 3, 10), 'congestion'));
    const publicSpaces = (list: SimMessage[]) => list.filter((m) => m.deviceId.startsWith('cam-') && m.topic.includes('/hoguom/'));
    expect(share(publicSpaces(readingsAt({ cameras: 30 }, 23, 20)), 'intrusion')).toBeGreaterThan(share(publicSpaces(readingsAt({ cameras: 30 }, 11, 20)), 'intrusion'));
  });

  it('keeps river water near neutral with oxygen higher in the afternoon than before dawn', () => {
    const afternoon = readingsAt({ water: 8 }, 15);
    const dawn = readingsAt({ water: 8 }, 5);
    for (const m of [...afternoon, ...dawn]) {
      expect(body(m).values.ph).toBeGreaterThan(6);
      expect(body(m).values.ph).toBeLessThan(8.5);
    }
    expect(mean(metric(afternoon, 'dissolvedOxygen'))).toBeGreaterThan(mean(metric(dawn, 'dissolvedOxygen')));
    expect(mean(metric(afternoon, 'dissolvedOxygen'))).toBeGreaterThan(4.5);
  });
});

describe('rain and reservoirs', () => {
  // A month of the monsoon at one reading per 10 simulated minutes.
  const plan = planSimulation({ fleet: { ...NO_DEVICES, reservoirs: 1, rainGauges: 1 }, start: atLocal('2026-07-01', 0), faults: NO_FAULTS, seed: 3 });
  const all = messages(plan, 2 * 30 * 144);
  const gauge = all.filter((m) => m.kind === 'rain-gauge').map(body);
  const dam = all.filter((m) => m.kind === 'reservoir-station').map(body);
  const site = plan.devices.find((d) => d.kind === 'reservoir-station')!.site as { normalLevel: number };

  it('rains in episodes, with dry spells between', () => {
    const wet = gauge.filter((g) => g.values.rainfall > 0).length / gauge.length;
    expect(wet).toBeGreaterThan(0.03);
    expect(wet).toBeLessThan(0.5);
    const total = gauge.reduce((sum, g) => sum + g.values.rainfall, 0);
    expect(total).toBeGreaterThan(100);
    expect(total).toBeLessThan(800);
  });

  it('raises inflow some hours after the heaviest rain, and the lake level with it', () => {
    const wettest = gauge.reduce((a, b) => (b.values.rainfall > a.values.rainfall ? b : a));
    const after = dam.filter((d) => d.ts >= wettest.ts && d.ts <= wettest.ts + 12 * 3600_000);
    const peak = after.reduce((a, b) => (b.values.inflow > a.values.inflow ? b : a));
    expect(peak.ts).toBeGreaterThan(wettest.ts);
    expect(peak.values.inflow).toBeGreaterThan(5 * dam[0].values.inflow);
    const before = dam.filter((d) => d.ts < wettest.ts - 3600_000).at(-1)!;
    expect(after.at(-1)!.values.waterLevel).toBeGreaterThan(before.values.waterLevel);
  });

  it('opens the spillway gates only when the level stands high', () => {
    expect(Math.max(...dam.map((d) => d.values.gateOpening))).toBeGreaterThan(0);
    for (const d of dam) {
      if (d.values.gateOpening > 0) expect(d.values.waterLevel).toBeGreaterThan(site.normalLevel - 0.3);
      if (d.values.waterLevel < site.normalLevel - 0.35) expect(d.values.gateOpening).toBe(0);
    }
  });
});

describe('the pollution-episode scenario', () => {
  const faults = { spike: 0.05, drift: 0.05, stuck: 0.05, silent: 0.05, malformed: 0.05, invalid: 0.05 };
  const plan = planSimulation({ fleet: { ...NO_DEVICES, air: 5 }, start: atLocal(DAY, 10), scenario: 'pollution-episode', scenarioStation: 'air-badinh-01', faults });
  const all = messages(plan, 5 * 40);
  const station = all.filter((m) => m.deviceId === 'air-badinh-01');

  it('keeps PM2.5 at the named station far above the limits for hours, without faults, then lets it fall', () => {
    const { rampMs, holdMs, fadeMs } = POLLUTION_EPISODE;
    const during = station.filter((m) => m.ts - plan.simStart >= rampMs && m.ts - plan.simStart < rampMs + holdMs);
    expect(during.length).toBeGreaterThanOrEqual(18);
    for (const m of during) {
      expect(m.faults).toEqual([]);
      expect(body(m).values.pm25).toBeGreaterThan(200);
    }
    const afterwards = station.filter((m) => m.ts - plan.simStart > rampMs + holdMs + fadeMs && m.faults.length === 0);
    expect(afterwards.length).toBeGreaterThan(0);
    for (const m of afterwards) expect(body(m).values.pm25).toBeLessThan(200);
  });

  it('leaves the other stations alone', () => {
    const others = all.filter((m) => m.deviceId !== 'air-badinh-01' && m.faults.length === 0);
    const pm25 = metric(others, 'pm25').sort((a, b) => a - b);
    expect(pm25[Math.floor(pm25.length / 2)]).toBeLessThan(120);
  });
});
