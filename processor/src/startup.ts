import type { Logger } from '../../platform/src/index.js';
import { processorError } from './errors.js';

/** One named step of the processor's start-up; the next starts only once it has resolved. */
export interface Phase {
  readonly name: string;
  run(): Promise<void>;
}

export interface PhaseTiming {
  readonly phase: string;
  readonly durationMs: number;
}

/**
 * Runs the start-up phases one after the other, in the order given, and logs each by name with
 * how long it took. The order is what the processor's correctness rests on (telemetry must meet
 * the rule sets in force and the alerts still open), so it is written down here, not implied by
 * the order of statements. A failing phase stops the start-up with an error that names it.
 */
export async function runPhases(phases: readonly Phase[], logger: Logger, clock: () => number = () => performance.now()): Promise<PhaseTiming[]> {
  const timings: PhaseTiming[] = [];
  for (const { name, run } of phases) {
    const started = clock();
    try {
      await run();
    } catch (error) {
      throw processorError('IOC_PROCESSOR_START_FAILED', [name, error instanceof Error ? error.message : String(error)], { cause: error });
    }
    const durationMs = Math.round((clock() - started) * 10) / 10;
    timings.push({ phase: name, durationMs });
    logger.info({ phase: name, durationMs }, `start-up phase done: ${name}`);
  }
  return timings;
}
