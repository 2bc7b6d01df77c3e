import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { IocError } from '../../platform/src/index.js';
import { runPhases } from '../src/startup.js';

/** A logger whose entries the test reads. */
function recordingLogger() {
  const entries: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void entries.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, entries };
}

describe('start-up phases', () => {
  it('runs each phase only once the one before it has finished, and logs each by name with its duration', async () => {
    const { logger, entries } = recordingLogger();
    const events: string[] = [];
    let now = 0;
    const phase = (name: string, takesMs: number) => ({
      name,
      run: async () => {
        events.push(`${name} started`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        now += takesMs;
        events.push(`${name} done`);
      },
    });

    const timings = await runPhases([phase('rule sets', 12), phase('open alerts', 30), phase('telemetry', 1)], logger, () => now);

    expect(events).toEqual(['rule sets started', 'rule sets done', 'open alerts started', 'open alerts done', 'telemetry started', 'telemetry done']);
    expect(timings).toEqual([
      { phase: 'rule sets', durationMs: 12 },
      { phase: 'open alerts', durationMs: 30 },
      { phase: 'telemetry', durationMs: 1 },
    ]);
    expect(entries.map(({ phase, durationMs }) => ({ phase, durationMs }))).toEqual(timings);
  });

  it('stops at a failing phase with an error that names it and keeps the cause', async () => {
    const { logger } = recordingLogger();
    const cause = new Error('broker unreachable');
    const ran: string[] = [];
    const failure = await runPhases(
      [
        { name: 'rule sets', run: async () => void ran.push('rule sets') },
        { name: 'open alerts', run: () => Promise.reject(cause) },
        { name: 'telemetry', run: async () => void ran.push('telemetry') },
      ],
      logger,
    ).catch((error: unknown) => error);

    expect(ran).toEqual(['rule sets']);
    expect(failure).toBeInstanceOf(IocError);
    expect(failure).toMatchObject({ code: 'IOC_PROCESSOR_START_FAILED', cause });
    expect((failure as Error).message).toContain('"open alerts" phase failed (broker unreachable)');
  });
});
