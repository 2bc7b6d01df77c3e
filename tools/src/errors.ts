import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of tools; see platform's defineErrors. */
export const TOOLS_ERRORS = {
  IOC_RECORD_OPTIONS: { status: 400, message: (summary) => `Recording options are invalid: ${summary}. See \`npm run record -- --help\`.` },
  IOC_RECORDING_INVALID: { status: 400, message: (file, line, why) => `Recording ${file}, line ${line}: ${why}. Fix or remove that line and run again.` },
  IOC_RECORDING_OPTIONS: { status: 400, message: (summary) => `Recording options are invalid: ${summary}. Fix these options and run again.` },
  IOC_REPLAY_OPTIONS: { status: 400, message: (why) => `Replay options are invalid: ${why}. See \`npm run replay -- --help\` for the usage.` },
  IOC_BACKTEST_OPTIONS: { status: 400, message: (why) => `Backtest options are invalid: ${why}. See \`npm run backtest -- --help\` for the usage.` },
  IOC_EVAL_NAB_OPTIONS: { status: 400, message: (why) => `NAB evaluation options are invalid: ${why}. See \`npm run eval:nab -- --help\` for the usage.` },
  IOC_OUTPUT_NOT_WRITTEN: { status: 500, message: (file, why) => `Could not write ${file} (${why}); make its folder writable or choose another --out.` },
  IOC_RULE_FILE_INVALID: { status: 400, message: (file, why) => `Rule file ${file} is not a valid rule set: ${why}. Fix the file, or pass --rules defaults for the shipped rules.` },
} as const satisfies Record<string, ErrorDefinition>;

export type ToolErrorCode = keyof typeof TOOLS_ERRORS;
export const toolError = defineErrors(TOOLS_ERRORS);
