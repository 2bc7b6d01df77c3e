import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUS_TOPICS } from '../../../contracts/src/index.js';
import { BusConfigSchema, createBus, InProcessBus } from '../../src/bus/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

describe('createBus', () => {
  it('uses the in-process bus when KAFKA_BROKERS is not set', async () => {
    const bus = await createBus(loadConfig(BusConfigSchema, {}), createLogger('test', 'silent'));
    expect(bus).toBeInstanceOf(InProcessBus);
    await bus.close();
  });

  it('keeps the in-process bus on disk when given a data directory: what was published is there after a restart', async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), 'ioc-create-bus-'));
    try {
      const config = loadConfig(BusConfigSchema, {});
      const first = await createBus(config, createLogger('test', 'silent'), { dataDirectory });
      await first.publish(BUS_TOPICS.audit, [{ key: 'a1', value: { id: 'a1', at: 1, actor: 'lan', action: 'user.login', target: 'lan' } }]);
      await first.close();
      const second = await createBus(config, createLogger('test', 'silent'), { dataDirectory });
      const actors: string[] = [];
      await second.readToEnd(BUS_TOPICS.audit, async (records) => void actors.push(...records.map((record) => record.value.actor)));
      await second.close();
      expect(actors).toEqual(['lan']);
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });

  it('reads brokers as a comma-separated list', () => {
    expect(loadConfig(BusConfigSchema, { KAFKA_BROKERS: ' 10.0.0.1:9092, 10.0.0.2:9092 ' }).KAFKA_BROKERS).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
  });

  it('refuses a SASL mechanism without credentials, naming the variable', () => {
    expect(() => loadConfig(BusConfigSchema, { KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/KAFKA_SASL_USERNAME/);
  });
});
