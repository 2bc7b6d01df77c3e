import { describe, expect, it } from 'vitest';
import { BusConfigSchema, createBus, InProcessBus } from '../../src/bus/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

describe('createBus', () => {
  it('uses the in-process bus when KAFKA_BROKERS is not set', async () => {
    const bus = await createBus(loadConfig(BusConfigSchema, {}), createLogger('test', 'silent'));
    expect(bus).toBeInstanceOf(InProcessBus);
    await bus.close();
  });

  it('reads brokers as a comma-separated list', () => {
    expect(loadConfig(BusConfigSchema, { KAFKA_BROKERS: ' 10.0.0.1:9092, 10.0.0.2:9092 ' }).KAFKA_BROKERS).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
  });

  it('refuses a SASL mechanism without credentials, naming the variable', () => {
    expect(() => loadConfig(BusConfigSchema, { KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/KAFKA_SASL_USERNAME/);
  });
});
