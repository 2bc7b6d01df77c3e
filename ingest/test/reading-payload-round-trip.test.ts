import { describe, expect, test } from 'vitest';
import { DeviceKindSchema, TelemetryPayloadSchema, deviceMessageForReading, type DeviceKind, type Reading } from '../../contracts/src/index.js';
import { DEVICE_EXAMPLES, DEVICE_TIME, exampleTopic } from '../../test-support/device-examples.js';
import { normalizeMessage } from '../src/normalize.js';

/**
 * The contracts' reading → device message mapping (what `npm run replay` publishes) is the inverse
 * of ingest's normalisation: for every kind's example, payload → reading → payload → reading gives
 * the same topic, the same payload and the same reading.
 */
const RECEIVED_AT = DEVICE_TIME + 850;

function normalize(topic: string, payload: unknown): Reading {
  const result = normalizeMessage(topic, Buffer.from(JSON.stringify(payload)), RECEIVED_AT);
  if (!result.ok) throw new Error(`dead letter: ${result.deadLetter.reason}`);
  if (result.kind !== 'reading') throw new Error(`expected a reading, got a ${result.kind}`);
  return result.reading;
}

const TELEMETRY_KINDS = DeviceKindSchema.options.filter((kind) => kind !== 'camera');

describe('device message for a reading, round trip through ingest', () => {
  test.each(TELEMETRY_KINDS)('%s: the reading becomes the payload its device published, on its topic', (kind: DeviceKind) => {
    const example = DEVICE_EXAMPLES[kind].payload;
    const reading = normalize(exampleTopic(kind), example);
    const countingPeriodSeconds = 'intervalSeconds' in example ? example.intervalSeconds : 60;

    const message = deviceMessageForReading(reading, { countingPeriodSeconds });

    if (!message.ok) throw new Error(`no device message: ${message.reason} ${message.detail}`);
    expect(message.topic).toBe(exampleTopic(kind));
    expect(message.payload).toStrictEqual(TelemetryPayloadSchema.parse(example));
    expect(normalize(message.topic, message.payload)).toStrictEqual(reading);
  });

  test('a camera example becomes a camera event, never a reading, so it has no telemetry message', () => {
    const result = normalizeMessage(exampleTopic('camera'), Buffer.from(JSON.stringify(DEVICE_EXAMPLES.camera.payload)), RECEIVED_AT);
    expect(result).toMatchObject({ ok: true, kind: 'camera-event' });
    const cameraReading: Reading = { ...normalize(exampleTopic('traffic-counter'), DEVICE_EXAMPLES['traffic-counter'].payload), kind: 'camera' };
    expect(deviceMessageForReading(cameraReading, { countingPeriodSeconds: 60 })).toMatchObject({ ok: false, reason: 'camera' });
  });
});
