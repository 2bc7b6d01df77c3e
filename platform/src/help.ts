import { IocError, platformError } from './errors.js';

/**
 * What every command of the project exits with:
 * - 0: it did what was asked;
 * - 1: the run failed (a broker or Kafka unreachable, a write refused): retry or fix the service;
 * - 2: the command is wrong (an unknown or invalid option, an input file that is missing or
 *   invalid, invalid configuration): fix the command line, the file or the environment.
 * Errors print as `CODE: message` on stderr.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** 2 for errors the person running the command must fix in what they gave it, 1 for the rest. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof IocError)) return EXIT_FAILED;
  return error.statusCode === 400 || error.code === 'IOC_CONFIG_INVALID' ? EXIT_USAGE : EXIT_FAILED;
}

/** `CODE: message` (and what caused it) for a coded error; the stack of anything else, which is a bug to report. */
export function errorText(error: unknown): string {
  if (!(error instanceof IocError)) return error instanceof Error ? (error.stack ?? error.message) : String(error);
  const cause = error.cause instanceof Error ? error.cause.message : error.cause === undefined ? '' : String(error.cause);
  // Most messages already quote their cause; only a cause they do not name is added.
  return `${error.code}: ${error.message}${cause && !error.message.includes(cause) ? `\n  caused by: ${cause}` : ''}`;
}

/**
 * Runs a command-line tool's `main` and exits: with the code it returns (0 when it returns
 * nothing), or, when it throws, with `exitCodeFor` after printing `errorText` on stderr.
 */
export function runCommand(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? EXIT_OK),
    (error: unknown) => {
      process.stderr.write(`${errorText(error)}\n`);
      process.exit(exitCodeFor(error));
    },
  );
}

/**
 * The command line of the services, which take their configuration from environment variables.
 * `--help` prints the usage and exits before anything starts. Unknown arguments are refused
 * (exit 2), so a typo such as `--port 9000` is not silently ignored. A command that
 * `takesOptions` checks its own options; here it gets only `--help`. From here on, an error
 * nothing catches — invalid configuration or a port in use at start-up — prints as
 * `CODE: message` and exits by the convention above, instead of as a stack with exit code 1.
 */
export function handleCommandLine(argv: readonly string[], usage: string, { takesOptions = false }: { takesOptions?: boolean } = {}): void {
  const args = argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(EXIT_OK);
  }
  if (args.length > 0 && !takesOptions) {
    const error = platformError('IOC_COMMAND_LINE_INVALID', [`Unknown argument ${args[0]}: this command is configured through environment variables`]);
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(EXIT_USAGE);
  }
  process.once('uncaughtException', (error) => {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(exitCodeFor(error));
  });
}
