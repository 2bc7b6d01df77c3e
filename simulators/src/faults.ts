import { z } from 'zod';
import { METRICS, type MetricName } from '../../contracts/src/index.js';
import { METRIC_TRAITS, finish, type Values } from './metric-traits.js';
import type { Rng } from './random.js';

/**
 * Faults real device fleets produce, injected so that ingest validation, dead-lettering, silent-
 * device detection and anomaly rules have something to catch. Every rate is the chance per
 * reading that the fault starts (spike, malformed and invalid last one message); durations count
 * readings, so faults look the same at any --speed.
 */
const rate = (fallback: number) => z.number().min(0).max(1).default(fallback);

export const FaultRatesSchema = z.strictObject({
  /** One-off outlier on one metric, far enough to cross alert thresholds. */
  spike: rate(0.002),
  /** A sensor starts drifting: a bias on one metric grows reading by reading until recalibration. */
  drift: rate(0.0002),
  /** The logger freezes and repeats its last values for a while. */
  stuck: rate(0.001),
  /** The device stops publishing for a while, then comes back. */
  silent: rate(0.001),
  /** The payload is not JSON at all (truncated, garbage, empty). */
  malformed: rate(0.001),
  /** The payload is JSON but breaks the contract (wrong type, missing seq, unknown kind, wrong id …). */
  invalid: rate(0.001),
});
export type FaultRates = z.infer<typeof FaultRatesSchema>;
export type FaultKind = keyof FaultRates;

export const STUCK_READINGS: [number, number] = [6, 30];
export const SILENT_READINGS: [number, number] = [6, 30];
export const DRIFT_READINGS: [number, number] = [100, 300];
/** Drift grows by this share of the metric's typical magnitude per reading. */
const DRIFT_PER_READING = 0.02;
/** Spikes jump this many typical magnitudes away. */
const SPIKE_SIZE: [number, number] = [4, 8];

const COMMON_VIOLATIONS = ['missing-seq', 'negative-seq', 'unknown-kind', 'wrong-device-id', 'timestamp-in-seconds'] as const;
const TELEMETRY_VIOLATIONS = [...COMMON_VIOLATIONS, 'metric-as-string', 'unknown-metric', 'empty-values'] as const;
const CAMERA_VIOLATIONS = [...COMMON_VIOLATIONS, 'confidence-as-percent', 'negative-count', 'unknown-event-type'] as const;
export type Violation = (typeof TELEMETRY_VIOLATIONS)[number] | (typeof CAMERA_VIOLATIONS)[number];

const MALFORMATIONS = ['truncated', 'not-json', 'empty'] as const;
export type Malformation = (typeof MALFORMATIONS)[number];
/** What a confused device prints instead of JSON: a reboot log, a modem error. */
const GARBAGE = ['rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)', '+CME ERROR: 4', 'NaN', '\u0000\u0000\u00ff\u00fe'];

export interface Rendered {
  text: string;
  fault?: 'malformed' | 'invalid';
  /** Which malformation or contract violation was injected. */
  detail?: Malformation | Violation;
}

/** Per-device fault state. Draws from its own random stream so faults never shift the device's values. */
export class FaultInjector {
  private silentLeft = 0;
  private wasSilent = false;
  private stuckLeft = 0;
  private frozen: Values | null = null;
  private lastValues: Values | null = null;
  private drift: { metric: MetricName; perReading: number; readings: number; left: number } | null = null;

  constructor(
    private readonly rng: Rng,
    private readonly rates: FaultRates,
  ) {}

  /** Call once per reading slot; true while the device keeps quiet. */
  silent(): boolean {
    // A device that just came back publishes at least once before it can fall silent again.
    if (this.silentLeft === 0 && !this.wasSilent && this.rng.chance(this.rates.silent)) this.silentLeft = this.rng.int(...SILENT_READINGS);
    this.wasSilent = this.silentLeft > 0;
    if (this.wasSilent) this.silentLeft--;
    return this.wasSilent;
  }

  /** Applies stuck, drift and spike faults to measured values. */
  distort(values: Values): { values: Values; faults: FaultKind[] } {
    const faults: FaultKind[] = [];
    let out: Values = { ...values };
    if (this.stuckLeft === 0 && this.lastValues && this.rng.chance(this.rates.stuck)) {
      this.stuckLeft = this.rng.int(...STUCK_READINGS);
      this.frozen = this.lastValues;
    }
    if (this.stuckLeft > 0 && this.frozen) {
      this.stuckLeft--;
      out = { ...this.frozen };
      faults.push('stuck');
    } else {
      this.applyDrift(out, faults);
      if (this.rng.chance(this.rates.spike)) {
        const metric = this.rng.pick(measured(out));
        const traits = METRIC_TRAITS[metric];
        const value = out[metric] as number;
        const jump = this.rng.range(...SPIKE_SIZE) * traits.scale;
        const spiked = finish(metric, value + (traits.spikesDown ? -jump : jump));
        // A value already at the end of its range spikes the other way.
        out[metric] = spiked === value ? finish(metric, value + (traits.spikesDown ? jump : -jump)) : spiked;
        faults.push('spike');
      }
    }
    this.lastValues = out;
    return { values: out, faults };
  }

  /** Serialises the payload, now and then as something a broken device would send instead. */
  render(payload: Record<string, unknown>, channel: 'telemetry' | 'event'): Rendered {
    const text = JSON.stringify(payload);
    if (this.rng.chance(this.rates.malformed)) {
      const detail = this.rng.pick(MALFORMATIONS);
      const broken = detail === 'truncated' ? text.slice(0, this.rng.int(1, text.length - 1)) : detail === 'empty' ? '' : this.rng.pick(GARBAGE);
      return { text: broken, fault: 'malformed', detail };
    }
    if (this.rng.chance(this.rates.invalid)) {
      const detail = this.rng.pick(channel === 'event' ? CAMERA_VIOLATIONS : TELEMETRY_VIOLATIONS);
      return { text: JSON.stringify(violate(payload, detail)), fault: 'invalid', detail };
    }
    return { text };
  }

  private applyDrift(values: Values, faults: FaultKind[]): void {
    if (!this.drift && this.rng.chance(this.rates.drift)) {
      const metric = this.rng.pick(measured(values));
      // Drift away from the bottom of the range: a rain gauge reading 0 drifts into phantom rain.
      const down = this.rng.chance(0.5) && (values[metric] as number) - 2 * METRIC_TRAITS[metric].scale > METRICS[metric].range[0];
      this.drift = { metric, perReading: (down ? -1 : 1) * DRIFT_PER_READING, readings: 0, left: this.rng.int(...DRIFT_READINGS) };
    }
    const drift = this.drift;
    if (!drift) return;
    if (drift.left-- <= 0) {
      this.drift = null;
      return;
    }
    const value = values[drift.metric];
    if (value === undefined) return;
    drift.readings++;
    values[drift.metric] = finish(drift.metric, value + drift.perReading * drift.readings * METRIC_TRAITS[drift.metric].scale);
    faults.push('drift');
  }
}

function measured(values: Values): MetricName[] {
  return (Object.keys(values) as MetricName[]).filter((metric) => !METRIC_TRAITS[metric].setpoint);
}

function violate(payload: Record<string, unknown>, violation: Violation): Record<string, unknown> {
  const out: Record<string, unknown> = { ...payload };
  const values = { ...(payload.values as Record<string, number>) };
  switch (violation) {
    case 'missing-seq':
      delete out.seq;
      break;
    case 'negative-seq':
      out.seq = -1;
      break;
    case 'unknown-kind':
      out.kind = 'weather-station';
      break;
    case 'wrong-device-id':
      // A controller flashed with its neighbour's configuration.
      out.deviceId = String(payload.deviceId).replace(/(\d+)$/, (n) => String(Number(n) + 1).padStart(n.length, '0'));
      break;
    case 'timestamp-in-seconds':
      out.ts = Math.floor(Number(payload.ts) / 1000);
      break;
    case 'metric-as-string': {
      const [metric, value] = Object.entries(values)[0];
      out.values = { ...values, [metric]: String(value) };
      break;
    }
    case 'unknown-metric':
      out.values = { ...values, humidity: 78.5 };
      break;
    case 'empty-values':
      out.values = {};
      break;
    case 'confidence-as-percent':
      out.confidence = Math.round(Number(payload.confidence) * 100);
      break;
    case 'negative-count':
      out.count = -1;
      break;
    case 'unknown-event-type':
      out.eventType = 'fire';
      break;
  }
  return out;
}
