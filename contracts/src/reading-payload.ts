import { TelemetryPayloadSchema, type TelemetryPayload } from './device-payloads.js';
import { DOMAIN_OF_KIND } from './domains.js';
import type { Reading } from './reading.js';
import { deviceTopic } from './topics.js';

/** Why a reading has no device message: the processor made it, it is a camera's, or no payload schema takes it. */
export type NoDeviceMessageReason = 'derived' | 'camera' | 'invalid-payload';

export type DeviceMessageForReading =
  | { ok: true; topic: string; payload: TelemetryPayload }
  | { ok: false; reason: NoDeviceMessageReason; detail: string };

export interface DeviceMessageOptions {
  /**
   * A traffic counter's counting period, which readings do not keep (ingest drops it and nothing
   * downstream reads it) but the payload schema requires: whole seconds, 1 to 3600.
   */
  countingPeriodSeconds: number;
}

/**
 * The telemetry message a device published for a reading — the inverse of ingest's normalisation,
 * so a recording can be replayed into a live stack and become the same readings again (only
 * `receivedAt` is new). The payload is checked against the device schema; a reading no device
 * could have sent says why: derived readings (hourly means, VN_AQI) are the processor's own, camera
 * detections travel as events, and anything else the schema refuses (a metric the kind does not
 * measure, a lamp without its power state, a time before 2000) is named field by field.
 */
export function deviceMessageForReading(reading: Reading, options: DeviceMessageOptions): DeviceMessageForReading {
  if (reading.derived !== undefined) return { ok: false, reason: 'derived', detail: reading.derived };
  if (reading.kind === 'camera') return { ok: false, reason: 'camera', detail: 'cameras publish detections on .../event, not readings' };
  const domain = DOMAIN_OF_KIND[reading.kind];
  if (reading.domain !== domain) {
    return { ok: false, reason: 'invalid-payload', detail: `domain "${reading.domain}" is not the domain of kind "${reading.kind}" (${domain})` };
  }

  const { faults: faultCount, ...measured } = reading.metrics;
  const envelope = { deviceId: reading.deviceId, kind: reading.kind, ward: reading.ward, ts: reading.ts, seq: reading.seq };
  let candidate: Record<string, unknown>;
  if (reading.kind === 'lamp' || reading.kind === 'lighting-cabinet') {
    // Ingest makes the `faults` metric from the fault list; the list is what the device sends.
    const faults = reading.faults ?? [];
    if (faultCount !== undefined && faultCount !== faults.length) {
      return { ok: false, reason: 'invalid-payload', detail: `metric faults is ${faultCount} but the reading lists ${faults.length} fault(s)` };
    }
    candidate = { ...envelope, powerState: reading.powerState, values: measured, faults };
  } else {
    candidate = { ...envelope, values: reading.metrics };
    if (reading.kind === 'traffic-counter') candidate.intervalSeconds = options.countingPeriodSeconds;
  }

  const parsed = TelemetryPayloadSchema.safeParse(candidate);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'payload'}: ${issue.message}`).join('; ');
    return { ok: false, reason: 'invalid-payload', detail };
  }
  return { ok: true, topic: deviceTopic(domain, reading.siteId, reading.deviceId, 'telemetry'), payload: parsed.data };
}
