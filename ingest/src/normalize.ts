import { isUtf8 } from 'node:buffer';
import {
  CameraEventPayloadSchema,
  DOMAIN_OF_KIND,
  DOMAINS,
  IdentifierSchema,
  TelemetryPayloadSchema,
  parseDeviceTopic,
  type CameraEvent,
  type CameraEventPayload,
  type DeadLetter,
  type ParsedDeviceTopic,
  type Reading,
  type TelemetryPayload,
} from '../../contracts/src/index.js';
import { describeIssues, summarizeIssues } from '../../platform/src/index.js';
import { ingestError, type IngestErrorCode } from './errors.js';

/** What one MQTT message becomes: a reading, a camera event, or a dead letter saying exactly why not. */
export type NormalizedMessage =
  | { ok: true; kind: 'reading'; reading: Reading }
  | { ok: true; kind: 'camera-event'; event: CameraEvent }
  | { ok: false; deadLetter: DeadLetter };

type Issue = DeadLetter['issues'][number];

const KNOWN_DOMAINS = new Set<string>(DOMAINS);

/** What ingest takes at the door; a message outside these bounds becomes a coded dead letter. */
export interface ReadingBounds {
  /** The largest payload parsed, in bytes. */
  maxPayloadBytes: number;
  /**
   * How far a device's timestamp may run ahead of the receive time, ms. One reading from the far
   * future would otherwise stand as its device's latest for ever, and every real one after it
   * would be taken for a repeat.
   */
  maxAheadMs: number;
  /**
   * How far behind the receive time a timestamp may lie, ms. Unbounded by default: replaying a
   * recording sends its recorded times, and an old reading cannot hide newer ones.
   */
  maxAgeMs: number;
}

export const READING_BOUNDS_DEFAULTS: Readonly<ReadingBounds> = { maxPayloadBytes: 64 * 1024, maxAheadMs: 5 * 60_000, maxAgeMs: Infinity };

/** A dead letter keeps this many bytes of a larger payload, and its full size. */
export const DEAD_LETTER_EXCERPT_BYTES = 4096;

/**
 * Turns a device message into its canonical form. Pure and on the hot path: every message passes
 * here once, so it parses once, validates once and builds the result from zod's own output.
 */
export function normalizeMessage(topic: string, payload: Buffer, receivedAt: number, bounds: Readonly<ReadingBounds> = READING_BOUNDS_DEFAULTS): NormalizedMessage {
  if (payload.length > bounds.maxPayloadBytes) {
    const why = `${payload.length} bytes, more than the ${bounds.maxPayloadBytes} allowed`;
    return refuse('IOC_PAYLOAD_TOO_LARGE', [why], [{ path: 'payload', message: why }], topic, payload, receivedAt);
  }
  const place = parseDeviceTopic(topic);
  if (!place) return refuse('IOC_TOPIC_UNKNOWN', [topic], [], topic, payload, receivedAt);
  if (!KNOWN_DOMAINS.has(place.domain)) {
    const why = `domain "${place.domain}" is not one of ${DOMAINS.join(', ')}`;
    return refuse('IOC_TOPIC_UNKNOWN', [topic, why], [{ path: 'domain', message: why }], topic, payload, receivedAt);
  }
  const site = IdentifierSchema.safeParse(place.siteId);
  if (!site.success) {
    const issues = site.error.issues.map((issue) => ({ path: 'siteId', message: issue.message }));
    const why = issues.map((issue) => `siteId: ${issue.message}`).join('; ');
    return refuse('IOC_TOPIC_UNKNOWN', [topic, why], issues, topic, payload, receivedAt);
  }

  if (!isUtf8(payload)) return refuse('IOC_PAYLOAD_NOT_JSON', ['the bytes are not valid UTF-8'], [], topic, payload, receivedAt);
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return refuse('IOC_PAYLOAD_NOT_JSON', [(error as Error).message], [], topic, payload, receivedAt);
  }

  const parsed = place.channel === 'telemetry' ? TelemetryPayloadSchema.safeParse(body) : CameraEventPayloadSchema.safeParse(body);
  if (!parsed.success) {
    const { issues } = parsed.error;
    return refuse('IOC_INVALID_PAYLOAD', [summarizeIssues(issues)], describeIssues(issues), topic, payload, receivedAt);
  }
  const device = parsed.data;
  const mismatch = topicMismatch(place, device);
  if (mismatch) return refuse('IOC_TOPIC_MISMATCH', [mismatch.message], [mismatch], topic, payload, receivedAt);
  const ts = deviceTime(device.ts);
  if (!(ts >= receivedAt - bounds.maxAgeMs && ts <= receivedAt + bounds.maxAheadMs)) {
    const issue = { path: 'ts', message: timeIssue(ts, receivedAt, bounds) };
    return refuse('IOC_READING_TIME_OUT_OF_RANGE', [issue.message], [issue], topic, payload, receivedAt);
  }

  return device.kind === 'camera'
    ? { ok: true, kind: 'camera-event', event: toCameraEvent(device, place.siteId, ts, receivedAt) }
    : { ok: true, kind: 'reading', reading: toReading(device, place.siteId, ts, receivedAt) };
}

function topicMismatch(place: ParsedDeviceTopic, device: TelemetryPayload | CameraEventPayload): Issue | undefined {
  const domain = DOMAIN_OF_KIND[device.kind];
  if (domain !== place.domain) {
    return { path: 'kind', message: `kind "${device.kind}" belongs to domain "${domain}" but the topic names domain "${place.domain}"` };
  }
  if (device.deviceId !== place.deviceId) {
    return { path: 'deviceId', message: `deviceId "${device.deviceId}" differs from "${place.deviceId}" in the topic` };
  }
  return undefined;
}

function timeIssue(ts: number, receivedAt: number, bounds: Readonly<ReadingBounds>): string {
  const shown = Number.isFinite(ts) ? String(ts) : 'not a time';
  return ts > receivedAt
    ? `ts ${shown} is ${Math.round((ts - receivedAt) / 1000)} s ahead of the receive time ${receivedAt}; at most ${bounds.maxAheadMs / 1000} s is allowed`
    : `ts ${shown} is ${Math.round((receivedAt - ts) / 1000)} s behind the receive time ${receivedAt}; at most ${bounds.maxAgeMs / 1000} s is allowed`;
}

/** Devices send epoch milliseconds or an ISO-8601 string with a zone (checked by the schema). */
function deviceTime(ts: number | string): number {
  return typeof ts === 'number' ? ts : Date.parse(ts);
}

function toReading(device: TelemetryPayload, siteId: string, ts: number, receivedAt: number): Reading {
  // zod built `values` fresh from JSON, which cannot carry undefined: it holds measured metrics only.
  const metrics: Reading['metrics'] = device.values;
  const reading: Reading = {
    deviceId: device.deviceId,
    domain: DOMAIN_OF_KIND[device.kind],
    kind: device.kind,
    siteId,
    ward: device.ward,
    ts,
    seq: device.seq,
    receivedAt,
    metrics,
  };
  if (device.kind === 'lamp' || device.kind === 'lighting-cabinet') {
    // The fault count is a metric so that threshold rules can alert on it like on any measurement.
    metrics.faults = device.faults.length;
    reading.faults = device.faults;
    reading.powerState = device.powerState;
  }
  return reading;
}

function toCameraEvent(device: CameraEventPayload, siteId: string, ts: number, receivedAt: number): CameraEvent {
  const event: CameraEvent = {
    deviceId: device.deviceId,
    domain: 'traffic',
    kind: 'camera',
    siteId,
    ward: device.ward,
    ts,
    seq: device.seq,
    receivedAt,
    eventId: device.eventId,
    eventType: device.eventType,
    confidence: device.confidence,
    count: device.count,
  };
  if (device.zone !== undefined) event.zone = device.zone;
  if (device.plate !== undefined) event.plate = device.plate;
  if (device.snapshotUrl !== undefined) event.snapshotUrl = device.snapshotUrl;
  return event;
}

function refuse(code: IngestErrorCode, args: string[], issues: Issue[], topic: string, payload: Buffer, receivedAt: number): NormalizedMessage {
  return {
    ok: false,
    deadLetter: { source: 'mqtt', topic, receivedAt, code, reason: ingestError(code, args).message, issues, ...excerpt(payload) },
  };
}

/** The payload a dead letter keeps: all of a small one, the first bytes and the full size of a large one. */
function excerpt(payload: Buffer): Pick<DeadLetter, 'payload' | 'payloadEncoding' | 'payloadBytes'> {
  if (payload.length <= DEAD_LETTER_EXCERPT_BYTES) {
    const utf8 = isUtf8(payload);
    return { payload: payload.toString(utf8 ? 'utf8' : 'base64'), payloadEncoding: utf8 ? 'utf8' : 'base64' };
  }
  const head = payload.subarray(0, DEAD_LETTER_EXCERPT_BYTES);
  try {
    // Streaming decode leaves out a character the cut split in two instead of failing on it.
    return { payload: new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }), payloadEncoding: 'utf8', payloadBytes: payload.length };
  } catch {
    return { payload: head.toString('base64'), payloadEncoding: 'base64', payloadBytes: payload.length };
  }
}
