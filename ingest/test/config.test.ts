import { describe, expect, test } from 'vitest';
import { loadIngestConfig } from '../src/config.js';

describe('ingest configuration', () => {
  test('environment variables become the options of createIngest', () => {
    const config = loadIngestConfig({
      MQTT_URL: 'mqtts://broker.example.vn:8883',
      MQTT_USERNAME: 'ingest',
      MQTT_PASSWORD: 's3cret',
      MQTT_CLIENT_ID: 'ingest-1',
      MQTT_SHARED_GROUP: 'ingest',
      INGEST_BATCH_MAX_MESSAGES: '1000',
      INGEST_BATCH_MAX_DELAY_MS: '20',
      INGEST_PORT: '9100',
      INGEST_MAX_PAYLOAD_BYTES: '16384',
      INGEST_MAX_READING_AHEAD_MS: '60000',
      INGEST_MAX_READING_AGE_MS: '86400000',
    });
    expect(config).toEqual({
      mqttUrl: 'mqtts://broker.example.vn:8883',
      mqttOptions: { username: 'ingest', password: 's3cret', clientId: 'ingest-1' },
      sharedGroup: 'ingest',
      batch: { maxMessages: 1000, maxDelayMs: 20 },
      bounds: { maxPayloadBytes: 16384, maxAheadMs: 60000, maxAgeMs: 86400000 },
      port: 9100,
    });
  });

  test('without variables ingest reads the local broker with a stable client id', () => {
    const config = loadIngestConfig({});
    expect(config.mqttUrl).toBe('mqtt://127.0.0.1:1883');
    expect(config.mqttOptions.clientId).toMatch(/^ioc-ingest-/);
    expect(config.sharedGroup).toBeUndefined();
  });

  test('bad values are named with what to write instead', () => {
    const load = () => loadIngestConfig({ MQTT_URL: 'http://broker:1883', INGEST_BATCH_MAX_MESSAGES: '0', MQTT_SHARED_GROUP: 'a/b' });
    expect(load).toThrow('MQTT_URL: use mqtt://, mqtts://, ws:// or wss://, e.g. mqtt://127.0.0.1:1883');
    expect(load).toThrow('INGEST_BATCH_MAX_MESSAGES: Too small: expected number to be >=1');
    expect(load).toThrow('MQTT_SHARED_GROUP: use letters, digits');
  });
});
