import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of simulators; see platform's defineErrors. */
export const SIMULATORS_ERRORS = {
  IOC_SIMULATOR_OPTIONS_INVALID: { status: 400, message: (summary) => `Simulator options are invalid: ${summary}. See \`npm run simulate -- --help\` for every option and its default.` },
} as const satisfies Record<string, ErrorDefinition>;

export type SimulatorErrorCode = keyof typeof SIMULATORS_ERRORS;
export const simulatorError = defineErrors(SIMULATORS_ERRORS);
