import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/src/index.js';
import { IocError } from '../../../platform/src/index.js';
import { parseReplayCommandLine, replaySummaryText } from '../../src/recording/replay-cli.js';
import { replayReadings, type ReplayPublisher } from '../../src/recording/replay.js';

const T0 = Date.UTC(2016, 0, 10);
const air = (seq: number, more: Partial<Reading> = {}): Reading => ({
  deviceId: 'US-EMBASSY',
  domain: 'environment',
  kind: 'air-station',
  siteId: 'US-EMBASSY',
  ward: 'Phường Ba Đình',
  ts: T0 + seq * 3_600_000,
  seq,
  receivedAt: T0 + seq * 3_600_000,
  metrics: { pm25: 40 + seq },
  ...more,
});

async function* from(readings: Reading[]): AsyncGenerator<Reading> {
  yield* readings;
}

/** A broker on the other side of the publisher that acknowledges when the test says so. */
class HeldBroker implements ReplayPublisher {
  readonly received: Array<{ topic: string; payload: Record<string, unknown> }> = [];
  private readonly waiting: Array<() => void> = [];
  maxInFlight = 0;

  publish(topic: string, payload: string): Promise<void> {
    this.received.push({ topic, payload: JSON.parse(payload) as Record<string, unknown> });
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.maxInFlight = Math.max(this.maxInFlight, this.waiting.length);
    });
  }

  acknowledgeAll(): void {
    for (const ack of this.waiting.splice(0)) ack();
  }
}

/** Acknowledges everything as it comes, a little later. */
const prompt = (broker: HeldBroker) => setInterval(() => broker.acknowledgeAll(), 1);

describe('replaying readings', () => {
  it('publishes each reading as its device’s message and counts what it skipped, by reason', async () => {
    const broker = new HeldBroker();
    const timer = prompt(broker);
    const readings = [
      air(0),
      air(0, { metrics: { pm25: 41 }, derived: 'hourly-mean' }),
      air(1),
      air(1, { metrics: { vnAqi: 88 }, derived: 'vn-aqi-hourly' }),
      air(2, { metrics: { ph: 7 } }),
      air(3),
    ];
    const summary = await replayReadings({ readings: from(readings), publisher: broker, pace: { speed: 1, asFastAsPossible: true, retime: false }, window: 8 });
    clearInterval(timer);

    expect(broker.received.map((m) => m.topic)).toEqual(Array(3).fill('ioc/environment/US-EMBASSY/US-EMBASSY/telemetry'));
    expect(broker.received.map((m) => [m.payload.seq, m.payload.ts])).toEqual([0, 1, 3].map((seq) => [seq, T0 + seq * 3_600_000]));
    expect(summary).toMatchObject({ published: 3, failed: 0, stoppedBecause: 'end of the recording', firstTs: T0, lastTs: T0 + 3 * 3_600_000 });
    expect(summary.skipped).toEqual({
      'derived by the processor (hourly-mean), which makes them itself': 1,
      'derived by the processor (vn-aqi-hourly), which makes them itself': 1,
      'no device payload takes it: values: Unrecognized key: "ph"; values: values must hold at least one measurement': 1,
    });
  });

  it('never has more messages awaiting their PUBACK than the window', async () => {
    const broker = new HeldBroker();
    const timer = setInterval(() => broker.acknowledgeAll(), 5);
    const summary = await replayReadings({
      readings: from(Array.from({ length: 50 }, (_, seq) => air(seq))),
      publisher: broker,
      pace: { speed: 1, asFastAsPossible: true, retime: false },
      window: 4,
    });
    clearInterval(timer);
    expect(summary.published).toBe(50);
    expect(broker.maxInFlight).toBe(4);
  });

  it('on interrupt sends nothing more, waits for the acknowledgements in flight and says it was interrupted', async () => {
    const broker = new HeldBroker();
    const stop = new AbortController();
    // At speed 1 the second reading is an hour away: the replay is waiting for it when stopped.
    const replay = replayReadings({ readings: from([air(0), air(1), air(2)]), publisher: broker, pace: { speed: 1, asFastAsPossible: false, retime: false }, window: 8, signal: stop.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    broker.acknowledgeAll();
    const summary = await replay;
    expect(broker.received).toHaveLength(1);
    expect(summary).toMatchObject({ published: 1, stoppedBecause: 'interrupted' });
    expect(summary.durationMs).toBeLessThan(10_000);
  });
});

describe('npm run replay options', () => {
  const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      parseReplayCommandLine(argv, env);
    } catch (error) {
      expect(error).toBeInstanceOf(IocError);
      expect((error as IocError).code).toBe('IOC_REPLAY_OPTIONS');
      return (error as IocError).message;
    }
    throw new Error('expected the options to be refused');
  };

  it('names the option at fault', () => {
    expect(refusal([])).toContain('--input: give the recording to replay');
    expect(refusal(['--input', 'a.ndjson', '--speed', 'fast'])).toContain('--speed:');
    expect(refusal(['--input', 'a.ndjson', '--speed=-2'])).toContain('--speed: must be a positive number');
    expect(refusal(['--input', 'a.ndjson', '--speed', '60', '--as-fast-as-possible'])).toContain('--speed: give either --speed or --as-fast-as-possible, not both');
    expect(refusal(['--input', 'a.ndjson', '--max-rate', '0'])).toContain('--max-rate: must be a positive number of messages a second');
    expect(refusal(['--input', 'a.ndjson', '--format', 'xlsx'])).toContain('--format:');
    expect(refusal(['--input', 'a.ndjson', '--url', 'http://broker'])).toContain('--url: use a broker URL');
    expect(refusal(['--input', 'a.ndjson'], { MQTT_URL: 'broker:1883' })).toContain('--url (from MQTT_URL)');
    expect(refusal(['--input', 'a.ndjson', '--sped', '60'])).toContain("Unknown option '--sped'");
  });

  it('reads a CSV the way the backtest does, refusing what cannot be read with its flag', () => {
    expect(refusal(['--input', 'pm.csv'])).toContain('needs --metric');
    expect(refusal(['--input', 'pm.csv', '--metric', 'pm2.5'])).toContain('--metric: "pm2.5" is not a metric');
    expect(refusal(['--input', 'pm.csv', '--metric', 'pm25', '--kind', 'lamp', '--domain', 'traffic'])).toContain('--domain: kind "lamp" belongs to domain "lighting"');
    expect(refusal(['--input', 'pm.csv', '--metric', 'pm25', '--device', 'US EMBASSY'])).toContain('--device:');
    const command = parseReplayCommandLine(['--input', 'data/us-embassy.csv', '--metric', 'pm25', '--ward', 'Phường Ba Đình', '--time-column', 'timestamp_utc']);
    expect(command).toMatchObject({ format: 'csv', csv: { deviceId: 'us-embassy', kind: 'air-station', metric: 'pm25', ward: 'Phường Ba Đình', timeColumn: 'timestamp_utc' } });
  });

  it('replays at the original pace into the embedded default’s broker unless told otherwise', () => {
    expect(parseReplayCommandLine(['--input', 'a.ndjson'])).toEqual({
      input: 'a.ndjson',
      format: 'ndjson',
      broker: { url: 'mqtt://127.0.0.1:1883' },
      pace: { speed: 1, asFastAsPossible: false, retime: false },
    });
    const env = { MQTT_URL: 'mqtt://127.0.0.1:18883', MQTT_USERNAME: 'device', MQTT_PASSWORD: 'secret-1' };
    expect(parseReplayCommandLine(['--input', 'a.ndjson', '--as-fast-as-possible', '--retime'], env)).toMatchObject({
      broker: { url: 'mqtt://127.0.0.1:18883', username: 'device', password: 'secret-1' },
      pace: { asFastAsPossible: true, maxRate: 1000, retime: true },
    });
    expect(parseReplayCommandLine(['--input', 'a.ndjson', '--speed', '3600', '--max-rate', '50']).pace).toEqual({ speed: 3600, asFastAsPossible: false, maxRate: 50, retime: false });
  });

  it('sums up what was published and skipped, and how fast', () => {
    const command = parseReplayCommandLine(['--input', 'incident.ndjson', '--url', 'mqtt://127.0.0.1:18883']);
    const text = replaySummaryText(
      { published: 1200, failed: 0, skipped: { 'derived by the processor (hourly-mean), which makes them itself': 20, 'camera readings: x': 3 }, durationMs: 12_000, stoppedBecause: 'interrupted', firstTs: T0, lastTs: T0 + 3_600_000 },
      command,
    );
    expect(text).toBe(
      [
        'replayed incident.ndjson into mqtt://127.0.0.1:18883 (stopped: interrupted)',
        '  published 1,200 messages in 12 s (12.0 s), 100.0 msg/s; recording time 2016-01-10T00:00Z – 2016-01-10T01:00Z',
        '  skipped 23 readings:',
        '    20  derived by the processor (hourly-mean), which makes them itself',
        '     3  camera readings: x',
        '',
      ].join('\n'),
    );
  });
});
