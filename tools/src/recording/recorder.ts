import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { BUS_TOPICS, type Reading } from '../../../contracts/src/index.js';
import type { Bus } from '../../../platform/src/index.js';

export interface RecordOptions {
  bus: Bus;
  /** NDJSON file to write: one canonical reading per line, the format `npm run backtest` reads. */
  out: string;
  /** Stop after this many readings. */
  maxReadings: number;
  /** Stop after this many milliseconds. */
  maxMs: number;
  /** Only these devices (all when empty). */
  devices: ReadonlySet<string>;
  /** Start from the oldest reading the bus still holds instead of from now. */
  fromBeginning: boolean;
  onProgress?: (recorded: number) => void;
}

export interface RecordSummary {
  recorded: number;
  stoppedBecause: 'max-readings' | 'duration';
}

/**
 * Records the live reading stream into a file an engineer can replay offline (`npm run backtest`)
 * to reproduce an incident or try a rule change. It reads with a group of its own that is new each
 * time, so it takes nothing away from the processors.
 */
export async function recordReadings(options: RecordOptions): Promise<RecordSummary> {
  const file = createWriteStream(options.out, { flags: 'w' });
  let recorded = 0;
  let finish!: (summary: RecordSummary) => void;
  const finished = new Promise<RecordSummary>((resolve) => (finish = resolve));
  const timer = setTimeout(() => finish({ recorded, stoppedBecause: 'duration' }), options.maxMs);

  const subscription = await options.bus.consume(
    BUS_TOPICS.telemetry,
    { groupId: `recorder-${process.pid}-${Date.now().toString(36)}`, fromBeginning: options.fromBeginning },
    async (records) => {
      let lines = '';
      for (const { value } of records) {
        if (recorded >= options.maxReadings) break;
        if (options.devices.size > 0 && !options.devices.has(value.deviceId)) continue;
        lines += `${JSON.stringify(value satisfies Reading)}\n`;
        recorded++;
      }
      if (lines && !file.write(lines)) await once(file, 'drain');
      options.onProgress?.(recorded);
      if (recorded >= options.maxReadings) finish({ recorded, stoppedBecause: 'max-readings' });
    },
  );

  const summary = await finished;
  clearTimeout(timer);
  await subscription.stop();
  file.end();
  await once(file, 'finish');
  return summary;
}
