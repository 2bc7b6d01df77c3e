import { exitCodeFor, handleCommandLine } from '../../platform/src/index.js';
import { startBanner } from './banner.js';
import { startCity } from './city.js';
import { USAGE } from './usage.js';

/**
 * `npm start`: the whole pipeline in one process on embedded defaults. The banner goes to stdout
 * for the person at the terminal; structured logs go to stderr.
 */
handleCommandLine(process.argv, USAGE);
const city = await startCity(process.env, process.env.LOG_LEVEL ?? 'warn').catch((error: Error & { code?: string }) => {
  process.stderr.write(`\nCould not start${error.code ? ` (${error.code})` : ''}: ${error.message}\n`);
  process.exit(exitCodeFor(error));
});
process.stdout.write(startBanner(city.info));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping...\n');
    void city.close().then(() => process.exit(0));
  });
}
