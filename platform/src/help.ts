/**
 * `--help` for the services, which take their configuration from environment variables: prints
 * the usage and exits before anything starts. Unknown arguments are refused, so a typo such as
 * `--port 9000` is not silently ignored. A command that `takesOptions` checks its own options;
 * here it gets only `--help`.
 */
export function handleCommandLine(argv: readonly string[], usage: string, { takesOptions = false }: { takesOptions?: boolean } = {}): void {
  const args = argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(0);
  }
  if (args.length > 0 && !takesOptions) {
    process.stderr.write(`Unknown argument: ${args[0]}. This command is configured through environment variables; see --help.\n`);
    process.exit(2);
  }
}
