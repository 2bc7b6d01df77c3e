import { describe, expect, test } from 'vitest';
import { CameraEventSchema, ReadingSchema, type DeviceKind } from '../../contracts/src/index.js';
import { DEVICE_EXAMPLES, DEVICE_TIME, examplePayload, exampleTopic } from '../../test-support/device-examples.js';
import { normalizeMessage, type NormalizedMessage } from '../src/normalize.js';

const RECEIVED_AT = DEVICE_TIME + 850;

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function normalizeExample(kind: DeviceKind, change: (payload: Record<string, any>) => void = () => {}): NormalizedMessage {
  const payload = examplePayload(kind);
  change(payload);
  return normalizeMessage(exampleTopic(kind), json(payload), RECEIVED_AT);
}

function deadLetterOf(result: NormalizedMessage) {
  if (result.ok) throw new Error(`expected a dead letter, got a ${result.kind}`);
  return result.deadLetter;
}

describe('normalizeMessage turns device payloads into canonical readings', () => {
  test('an air station becomes a reading of its site, with its metrics and nothing else', () => {
    expect(normalizeExample('air-station')).toStrictEqual({
      ok: true,
      kind: 'reading',
      reading: {
        deviceId: 'aq-hk-01',
        domain: 'environment',
        kind: 'air-station',
        siteId: 'hn-hoankiem-aq',
        ward: 'Phường Hoàn Kiếm',
        ts: DEVICE_TIME,
        seq: 42,
        receivedAt: RECEIVED_AT,
        metrics: { pm25: 38.2, pm10: 61, no2: 41.5, noise: 68 },
      },
    });
  });

  test.each<[DeviceKind, string, Record<string, number>]>([
    ['surface-water-station', 'environment', { ph: 7.2, dissolvedOxygen: 3.1, cod: 28, ammonium: 1.4 }],
    ['wastewater-station', 'environment', { ph: 6.8, cod: 95, tss: 60 }],
    ['traffic-counter', 'traffic', { vehicleCount: 37, meanSpeed: 24.5, occupancy: 18 }],
    ['reservoir-station', 'reservoir', { waterLevel: 114.3, inflow: 3500, gateOpening: 0 }],
    ['rain-gauge', 'reservoir', { rainfall: 12.5 }],
  ])('a %s becomes a reading of domain %s', (kind, domain, metrics) => {
    const result = normalizeExample(kind);
    if (!result.ok || result.kind !== 'reading') throw new Error(JSON.stringify(result));
    const { payload, siteId } = DEVICE_EXAMPLES[kind];
    expect(result.reading).toStrictEqual({
      deviceId: payload.deviceId,
      domain,
      kind,
      siteId,
      ward: payload.ward,
      ts: DEVICE_TIME,
      seq: payload.seq,
      receivedAt: RECEIVED_AT,
      metrics,
    });
    expect(ReadingSchema.safeParse(result.reading).success).toBe(true);
  });

  test('a lighting cabinet reports its faults as a list and as the `faults` count metric', () => {
    const result = normalizeExample('lighting-cabinet');
    if (!result.ok || result.kind !== 'reading') throw new Error(JSON.stringify(result));
    expect(result.reading.metrics).toStrictEqual({ power: 4200, voltage: 231, faults: 2 });
    expect(result.reading.faults).toEqual(['supply-voltage-low', 'communication-lost']);
    expect(result.reading.powerState).toBe('on');
    expect(ReadingSchema.safeParse(result.reading).success).toBe(true);
  });

  test('a lamp without faults has a fault count of zero', () => {
    const result = normalizeExample('lamp', (p) => delete p.faults);
    if (!result.ok || result.kind !== 'reading') throw new Error(JSON.stringify(result));
    expect(result.reading.metrics).toStrictEqual({ power: 118, voltage: 229, current: 0.52, dimming: 80, faults: 0 });
    expect(result.reading.faults).toEqual([]);
    expect(result.reading.domain).toBe('lighting');
  });

  test('an ISO-8601 device time becomes epoch milliseconds', () => {
    const result = normalizeExample('rain-gauge', (p) => (p.ts = '2026-01-15T10:00:00.250+07:00'));
    expect(result.ok && result.kind === 'reading' && result.reading.ts).toBe(DEVICE_TIME + 250);
  });

  test('a camera detection becomes a camera event', () => {
    expect(normalizeExample('camera')).toStrictEqual({
      ok: true,
      kind: 'camera-event',
      event: {
        deviceId: 'cam-km-01',
        domain: 'traffic',
        kind: 'camera',
        siteId: 'hn-kimma-x',
        ward: 'Phường Ngọc Hà',
        ts: DEVICE_TIME,
        seq: 310,
        receivedAt: RECEIVED_AT,
        eventId: 'evt-20260115-0310',
        eventType: 'congestion',
        confidence: 0.91,
        count: 42,
        zone: 'north-approach',
      },
    });
  });

  test('a red-light violation keeps the plate and snapshot', () => {
    const result = normalizeExample('camera', (p) => {
      p.eventType = 'red-light-violation';
      p.plate = '29A-123.45';
      p.snapshotUrl = 'https://cam.example.vn/snap/310.jpg';
      delete p.zone;
    });
    if (!result.ok || result.kind !== 'camera-event') throw new Error(JSON.stringify(result));
    expect(result.event).toMatchObject({ eventType: 'red-light-violation', plate: '29A-123.45', snapshotUrl: 'https://cam.example.vn/snap/310.jpg' });
    expect('zone' in result.event).toBe(false);
    expect(CameraEventSchema.safeParse(result.event).success).toBe(true);
  });
});

describe('normalizeMessage refuses bad messages with a stable code and the exact reason', () => {
  test('malformed JSON keeps the raw payload', () => {
    const topic = exampleTopic('air-station');
    expect(normalizeMessage(topic, Buffer.from('{"deviceId":'), RECEIVED_AT)).toStrictEqual({
      ok: false,
      deadLetter: {
        source: 'mqtt',
        topic,
        receivedAt: RECEIVED_AT,
        code: 'IOC_PAYLOAD_NOT_JSON',
        reason: 'Payload is not valid JSON (Unexpected end of JSON input); devices must publish one UTF-8 JSON object per message.',
        issues: [],
        payload: '{"deviceId":',
        payloadEncoding: 'utf8',
      },
    });
  });

  test('bytes that are not UTF-8 are refused and kept as base64', () => {
    const deadLetter = deadLetterOf(normalizeMessage(exampleTopic('air-station'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), RECEIVED_AT));
    expect(deadLetter.code).toBe('IOC_PAYLOAD_NOT_JSON');
    expect(deadLetter.reason).toBe('Payload is not valid JSON (the bytes are not valid UTF-8); devices must publish one UTF-8 JSON object per message.');
    expect(deadLetter.payloadEncoding).toBe('base64');
    expect(Buffer.from(deadLetter.payload, 'base64')).toEqual(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
  });

  test('a measurement of the wrong type names its path', () => {
    const deadLetter = deadLetterOf(normalizeExample('surface-water-station', (p) => (p.values.ph = '7.2')));
    expect(deadLetter.code).toBe('IOC_INVALID_PAYLOAD');
    expect(deadLetter.issues).toEqual([{ path: 'values.ph', message: 'Invalid input: expected number, received string' }]);
    expect(deadLetter.reason).toBe('Payload does not match the device schema: values.ph: Invalid input: expected number, received string.');
    expect(JSON.parse(deadLetter.payload).values.ph).toBe('7.2');
  });

  test('a missing sequence number names `seq`', () => {
    const deadLetter = deadLetterOf(normalizeExample('traffic-counter', (p) => delete p.seq));
    expect(deadLetter.code).toBe('IOC_INVALID_PAYLOAD');
    expect(deadLetter.issues).toEqual([{ path: 'seq', message: 'Invalid input: expected number, received undefined' }]);
  });

  test('every fault is listed, not only the first', () => {
    const deadLetter = deadLetterOf(
      normalizeExample('lamp', (p) => {
        p.powerState = 'dim';
        p.faults = ['smoke'];
      }),
    );
    expect(deadLetter.issues.map((issue) => issue.path)).toEqual(['powerState', 'faults[0]']);
    expect(deadLetter.reason).toMatch(/^Payload does not match the device schema: powerState: .+; faults\[0\]: .+\.$/);
  });

  test('an unknown kind is refused at `kind` with the kinds that exist', () => {
    const deadLetter = deadLetterOf(normalizeExample('air-station', (p) => (p.kind = 'weather-station')));
    expect(deadLetter.code).toBe('IOC_INVALID_PAYLOAD');
    expect(deadLetter.issues).toEqual([
      {
        path: 'kind',
        message:
          "Invalid discriminator value. Expected 'air-station' | 'surface-water-station' | 'wastewater-station' | 'traffic-counter' | 'reservoir-station' | 'rain-gauge' | 'lamp' | 'lighting-cabinet'",
      },
    ]);
  });

  test('a camera event published on a telemetry topic is refused at `kind`', () => {
    const payload = examplePayload('camera');
    const topic = exampleTopic('camera').replace(/event$/, 'telemetry');
    const deadLetter = deadLetterOf(normalizeMessage(topic, json(payload), RECEIVED_AT));
    expect(deadLetter.code).toBe('IOC_INVALID_PAYLOAD');
    expect(deadLetter.issues.map((issue) => issue.path)).toEqual(['kind']);
  });

  test('a payload naming another device than its topic is a topic mismatch', () => {
    const deadLetter = deadLetterOf(normalizeExample('air-station', (p) => (p.deviceId = 'aq-hk-02')));
    expect(deadLetter.code).toBe('IOC_TOPIC_MISMATCH');
    expect(deadLetter.reason).toBe('Payload disagrees with its topic: deviceId "aq-hk-02" differs from "aq-hk-01" in the topic; publish each device on its own topic.');
    expect(deadLetter.issues).toEqual([{ path: 'deviceId', message: 'deviceId "aq-hk-02" differs from "aq-hk-01" in the topic' }]);
  });

  test('a payload whose kind belongs to another domain than its topic is a topic mismatch', () => {
    const topic = 'ioc/traffic/hn-cab-bd-014/lamp-bd-0141/telemetry';
    const deadLetter = deadLetterOf(normalizeMessage(topic, json(examplePayload('lamp')), RECEIVED_AT));
    expect(deadLetter.code).toBe('IOC_TOPIC_MISMATCH');
    expect(deadLetter.reason).toBe('Payload disagrees with its topic: kind "lamp" belongs to domain "lighting" but the topic names domain "traffic"; publish each device on its own topic.');
    expect(deadLetter.issues.map((issue) => issue.path)).toEqual(['kind']);
  });

  test.each([
    ['a topic with a level missing', 'ioc/environment/hn-hoankiem-aq/telemetry', ''],
    ['a topic outside the ioc tree', 'city/environment/hn-hoankiem-aq/aq-hk-01/telemetry', ''],
    ['a channel that does not exist', 'ioc/environment/hn-hoankiem-aq/aq-hk-01/status', ''],
    ['an unknown domain', 'ioc/water/hn-hoankiem-aq/aq-hk-01/telemetry', ' (domain "water" is not one of environment, traffic, reservoir, lighting)'],
    ['a site id with a space', 'ioc/environment/Hoan Kiem/aq-hk-01/telemetry', ' (siteId: use letters, digits, ".", "_" or "-" (no spaces, "/", "+" or "#"))'],
  ])('%s is an unknown topic', (_, topic, why) => {
    const deadLetter = deadLetterOf(normalizeMessage(topic, json(examplePayload('air-station')), RECEIVED_AT));
    expect(deadLetter.code).toBe('IOC_TOPIC_UNKNOWN');
    expect(deadLetter.reason).toBe(`Topic "${topic}" does not follow ioc/{domain}/{siteId}/{deviceId}/telemetry|event${why}; publish on a documented topic.`);
    expect(deadLetter.topic).toBe(topic);
    expect(JSON.parse(deadLetter.payload)).toEqual(examplePayload('air-station'));
  });
});

describe('normalizeMessage keeps bounds at the door', () => {
  test.each([
    ['the largest JavaScript date', 8.64e15],
    ['past the largest JavaScript date', 9e15],
    ['six minutes ahead of the receive time', RECEIVED_AT + 6 * 60_000],
  ])('a reading timestamped %s is refused at `ts`', (_, ts) => {
    const deadLetter = deadLetterOf(normalizeExample('air-station', (p) => (p.ts = ts)));
    expect(deadLetter.code).toBe('IOC_READING_TIME_OUT_OF_RANGE');
    expect(deadLetter.issues.map((issue) => issue.path)).toEqual(['ts']);
    expect(deadLetter.reason).toContain('at most 300 s is allowed');
  });

  test('a camera event from the far future is refused too', () => {
    const deadLetter = deadLetterOf(normalizeExample('camera', (p) => (p.ts = '2999-01-01T00:00:00Z')));
    expect(deadLetter.code).toBe('IOC_READING_TIME_OUT_OF_RANGE');
  });

  test('a reading a little ahead, or old, passes by default; the window is configurable both ways', () => {
    const payload = { ...examplePayload('air-station'), ts: RECEIVED_AT + 4 * 60_000 };
    expect(normalizeMessage(exampleTopic('air-station'), json(payload), RECEIVED_AT).ok).toBe(true);
    const tight = { maxPayloadBytes: 65_536, maxAheadMs: 1000, maxAgeMs: 60_000 };
    expect(deadLetterOf(normalizeMessage(exampleTopic('air-station'), json(payload), RECEIVED_AT, tight)).code).toBe('IOC_READING_TIME_OUT_OF_RANGE');
    const old = { ...examplePayload('air-station'), ts: RECEIVED_AT - 2 * 60_000 };
    expect(normalizeMessage(exampleTopic('air-station'), json(old), RECEIVED_AT).ok).toBe(true);
    const refused = deadLetterOf(normalizeMessage(exampleTopic('air-station'), json(old), RECEIVED_AT, tight));
    expect(refused.reason).toContain('120 s behind the receive time');
  });

  test('a sequence number beyond an unsigned 32-bit counter is refused at `seq`', () => {
    const deadLetter = deadLetterOf(normalizeExample('air-station', (p) => (p.seq = 2 ** 53 - 1)));
    expect(deadLetter.code).toBe('IOC_INVALID_PAYLOAD');
    expect(deadLetter.issues.map((issue) => issue.path)).toEqual(['seq']);
    expect(normalizeExample('air-station', (p) => (p.seq = 2 ** 32 - 1)).ok).toBe(true);
  });

  test('an oversized payload is refused unparsed, and its dead letter keeps 4 KiB and the full size', () => {
    const payload = Buffer.alloc(10 * 1024 * 1024, 'é');
    const deadLetter = deadLetterOf(normalizeMessage(exampleTopic('air-station'), payload, RECEIVED_AT));
    expect(deadLetter.code).toBe('IOC_PAYLOAD_TOO_LARGE');
    expect(deadLetter.reason).toContain('10485760 bytes, more than the 65536 allowed');
    expect(deadLetter.payloadBytes).toBe(10 * 1024 * 1024);
    expect(deadLetter.payloadEncoding).toBe('utf8');
    expect(Buffer.byteLength(deadLetter.payload)).toBeLessThanOrEqual(4096);
    expect(deadLetter.payload).toBe('é'.repeat(2048));
  });

  test('a large payload that is not UTF-8 keeps its first 4 KiB as base64', () => {
    const payload = Buffer.alloc(100_000, 0xff);
    const deadLetter = deadLetterOf(normalizeMessage(exampleTopic('air-station'), payload, RECEIVED_AT));
    expect(deadLetter.payloadEncoding).toBe('base64');
    expect(Buffer.from(deadLetter.payload, 'base64')).toEqual(Buffer.alloc(4096, 0xff));
    expect(deadLetter.payloadBytes).toBe(100_000);
  });
});
