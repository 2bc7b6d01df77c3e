import { setTimeout as sleep } from 'node:timers/promises';
import { deviceMessageForReading, type NoDeviceMessageReason, type Reading } from '../../../contracts/src/index.js';
import { ReplayPace, type PaceOptions } from './replay-pace.js';

/** Where a replay sends device messages: resolves when the broker acknowledges (PUBACK at QoS 1). */
export interface ReplayPublisher {
  publish(topic: string, payload: string): Promise<void>;
}

export interface ReplayProgress {
  /** Readings dealt with so far: published, skipped, failed or awaiting their PUBACK. */
  taken: number;
  published: number;
  /** Recorded time of the last reading sent. */
  recordingTs?: number;
  /** How far behind the recording's pace the last message went, ms. */
  lagMs: number;
  /** While waiting for the recording's pace: the next reading's recorded time and how long until it goes, ms. */
  waiting?: { ts: number; inMs: number };
}

export interface ReplayOptions {
  readings: AsyncIterable<Reading>;
  publisher: ReplayPublisher;
  pace: PaceOptions;
  /** Messages sent and not yet acknowledged, at most. */
  window: number;
  /** Aborting stops the replay: nothing more is sent, and the messages in flight are awaited. */
  signal?: AbortSignal;
  onProgress?: (progress: ReplayProgress) => void;
  /** Wall clock, epoch ms. */
  now?: () => number;
}

export interface ReplaySummary {
  /** Messages the broker acknowledged. */
  published: number;
  /** Messages the broker never took (the connection ended), with the last reason. */
  failed: number;
  lastFailure?: string;
  /** Readings no device could have published, by what was wrong. */
  skipped: Record<string, number>;
  durationMs: number;
  stoppedBecause: 'end of the recording' | 'interrupted';
  /** Recorded times of the first and last reading sent. */
  firstTs?: number;
  lastTs?: number;
}

/** Why a reading was skipped, as the summary counts it. */
export function skipLabel(reason: NoDeviceMessageReason, detail: string): string {
  if (reason === 'derived') return `derived by the processor (${detail}), which makes them itself`;
  if (reason === 'camera') return `camera readings: ${detail}`;
  return `no device payload takes it: ${detail}`;
}

/** Node's timers fire no sooner than about a millisecond: shorter waits would cap the rate there. */
const MIN_WAIT_MS = 4;

/** The contract's period for a counter's first reading in a recording, when there is no previous one to count from. */
const FIRST_COUNTING_PERIOD_SECONDS = 60;

/**
 * A traffic counter reports the vehicles since its previous reading, a period readings do not keep:
 * like the simulated counters, the replay sends the recorded time since that counter's previous
 * reading, within the contract's 1 s to 1 h.
 */
export class CountingPeriods {
  private readonly previous = new Map<string, number>();

  of(reading: Reading): number {
    const previous = this.previous.get(reading.deviceId);
    this.previous.set(reading.deviceId, reading.ts);
    if (previous === undefined || reading.ts <= previous) return FIRST_COUNTING_PERIOD_SECONDS;
    return Math.min(3600, Math.max(1, Math.round((reading.ts - previous) / 1000)));
  }
}

/**
 * Replays recorded readings as the devices published them: each reading becomes its device's
 * telemetry message (checked against the contract's payload schema) and goes out at the pace
 * asked for, at most `window` awaiting the broker's acknowledgement. Readings that no device could
 * have sent are skipped and counted by reason.
 */
export async function replayReadings(options: ReplayOptions): Promise<ReplaySummary> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const pace = new ReplayPace(options.pace, startedAt);
  const periods = new CountingPeriods();
  const inFlight = new Set<Promise<void>>();
  const summary: ReplaySummary = { published: 0, failed: 0, skipped: {}, durationMs: 0, stoppedBecause: 'end of the recording' };
  let taken = 0;
  let lagMs = 0;

  const stop = () => {
    summary.stoppedBecause = 'interrupted';
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const reading of options.readings) {
      if (options.signal?.aborted) break;
      const countingPeriodSeconds = reading.kind === 'traffic-counter' ? periods.of(reading) : FIRST_COUNTING_PERIOD_SECONDS;
      const message = deviceMessageForReading({ ...reading, ts: pace.deviceTs(reading.ts) }, { countingPeriodSeconds });
      if (!message.ok) {
        const label = skipLabel(message.reason, message.detail);
        summary.skipped[label] = (summary.skipped[label] ?? 0) + 1;
        taken++;
        options.onProgress?.({ taken, published: summary.published, recordingTs: summary.lastTs, lagMs });
        continue;
      }
      while (inFlight.size >= options.window) await Promise.race(inFlight);
      const sendAt = pace.sendAt(reading.ts, now());
      // Waits in steps of at most a second, saying what it waits for: a recording's quiet hours
      // last minutes even at high speed, and a silent replay looks stuck. Waits shorter than a
      // timer's resolution are not waited: the message goes a little early, and as the pace counts
      // from when it was due, the rate over any stretch stays the one asked for.
      let wait: number;
      while ((wait = sendAt - now()) >= MIN_WAIT_MS && !options.signal?.aborted) {
        if (wait >= 1000) options.onProgress?.({ taken, published: summary.published, recordingTs: summary.lastTs, lagMs, waiting: { ts: reading.ts, inMs: wait } });
        await sleep(Math.min(wait, 1000), undefined, { signal: options.signal }).catch(() => undefined);
      }
      if (options.signal?.aborted) break;
      lagMs = pace.behindMs(reading.ts, now());
      const sent = options.publisher.publish(message.topic, JSON.stringify(message.payload)).then(
        () => {
          summary.published++;
        },
        (error: unknown) => {
          summary.failed++;
          summary.lastFailure = error instanceof Error ? error.message : String(error);
        },
      );
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
      summary.firstTs ??= reading.ts;
      summary.lastTs = reading.ts;
      taken++;
      options.onProgress?.({ taken, published: summary.published, recordingTs: reading.ts, lagMs });
    }
    await Promise.all(inFlight);
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  summary.durationMs = now() - startedAt;
  options.onProgress?.({ taken, published: summary.published, recordingTs: summary.lastTs, lagMs });
  return summary;
}
