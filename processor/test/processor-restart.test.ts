import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_TOPICS, type Alert, type Reading, type RuleSetInput } from '../../contracts/src/index.js';
import { InProcessBus, createLogger } from '../../platform/src/index.js';
import { startProcessor, type Processor } from '../src/processor.js';
import { AIR_STATION, MINUTE, PM25_RULE, T0, readingAt, ruleSet } from '../../test-support/readings.js';

const logger = createLogger('processor-test', 'silent');

/** NO₂ far from its usual level, after a warm-up of 30 readings. */
const NO2_ANOMALY: RuleSetInput['rules'][number] = {
  id: 'no2-anomaly',
  version: 1,
  name: { vi: 'NO₂ bất thường', en: 'Unusual NO₂' },
  type: 'anomaly',
  domain: 'environment',
  metric: 'no2',
  method: 'ewma',
  halfLifeSeconds: 3 * 3600,
  threshold: 6,
  clearScore: 2,
  warmupReadings: 30,
};
/** PM2.5 above 150 for 5 minutes, and the NO₂ anomaly. */
const RULES = ruleSet([PM25_RULE, NO2_ANOMALY]);
const OTHER_STATION = { ...AIR_STATION, deviceId: 'AQ-BD-01', siteId: 'AQ-BD-01', ward: 'Phường Ba Đình' };

const stop: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of stop.splice(0).reverse()) await close();
});

async function until(what: string, condition: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 500 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!(await condition())) throw new Error(`timed out waiting until ${what}`);
}

/** Both stations at `minute`: the first with `pm25`, NO₂ near its usual 30 unless given; the other station's PM2.5 at 200 all along. */
function minuteOf(minute: number, pm25: number, no2 = 30 + 3 * Math.sin(minute * 1.7)): Reading[] {
  return [readingAt(minute, { pm25, no2 }), readingAt(minute, { pm25: 200, no2: 30 }, OTHER_STATION)];
}

describe('processor restart', () => {
  it('continues an episode, a baseline and an open alert where the stopped processor left them, opening nothing twice', async () => {
    const bus = new InProcessBus({ retryDelayMs: 10, logger });
    stop.push(() => bus.close());
    const alerts: Alert[] = [];
    await bus.consume(BUS_TOPICS.alerts, { groupId: 'observer' }, async (records) => void alerts.push(...records.map((record) => record.value)));
    const send = (readings: Reading[]) => bus.publish(BUS_TOPICS.telemetry, readings.map((reading) => ({ key: reading.deviceId, value: reading })));
    const start = async (instanceId: string) => {
      const registry = new Registry();
      const processor = await startProcessor({ bus, logger, registry, builtInRuleSet: RULES, instanceId, tickIntervalMs: 50, checkpointIntervalMs: 60_000 });
      const processed = async () => (await registry.getSingleMetric('ioc_processor_readings_processed_total')!.get()).values[0]?.value ?? 0;
      return { processor, processed };
    };

    // A: 40 quiet minutes warm the NO₂ baseline; PM2.5 then stays above 150 for minutes 40–42,
    // short of the rule's 5 minutes. The other station's alert opened at minute 5 and is still open.
    const a = await start('a');
    for (let minute = 0; minute < 43; minute++) await send(minuteOf(minute, minute < 40 ? 40 : 200));
    await until('A has evaluated every reading', async () => (await a.processed()) === 86);
    await until('the other station\'s alert is on the bus', () => alerts.length === 1);
    expect(alerts.map((alert) => [alert.deviceId, alert.ruleId, alert.lastChange])).toEqual([[OTHER_STATION.deviceId, 'pm25', 'opened']]);
    await a.processor.close();

    // B on the same bus: the breach began at minute 40, so the alert opens at minute 45, not 5 minutes after B started.
    const b: { processor: Processor } = await start('b');
    stop.push(() => b.processor.close());
    for (const minute of [43, 44, 45]) await send(minuteOf(minute, 200));
    await until('the PM2.5 alert opens', () => alerts.length === 2);
    expect(alerts[1]).toMatchObject({ deviceId: AIR_STATION.deviceId, ruleId: 'pm25', lastChange: 'opened', openedAt: T0 + 45 * MINUTE });

    // The NO₂ baseline is warm: a spike is an anomaly at once, with no second warm-up.
    await send(minuteOf(46, 200, 300));
    await until('the NO₂ anomaly opens', () => alerts.length === 3);
    expect(alerts[2]).toMatchObject({ deviceId: AIR_STATION.deviceId, ruleId: 'no2-anomaly', lastChange: 'opened', openedAt: T0 + 46 * MINUTE });

    await new Promise((resolve) => setTimeout(resolve, 100));
    const opened = alerts.filter((alert) => alert.lastChange === 'opened').map((alert) => `${alert.ruleId}|${alert.deviceId}`);
    expect(opened).toEqual([`pm25|${OTHER_STATION.deviceId}`, `pm25|${AIR_STATION.deviceId}`, `no2-anomaly|${AIR_STATION.deviceId}`]);
    expect(b.processor.engine.openAlertCount).toBe(3);
  });
});
