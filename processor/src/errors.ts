import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of the processor; see platform's defineErrors. */
export const PROCESSOR_ERRORS = {
  IOC_PROCESSOR_START_FAILED: {
    status: 503,
    message: (phase, why) => `The processor could not start: its "${phase}" phase failed (${why}). Check that the bus is reachable (KAFKA_BROKERS) and start it again.`,
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ProcessorErrorCode = keyof typeof PROCESSOR_ERRORS;
export const processorError = defineErrors(PROCESSOR_ERRORS);
