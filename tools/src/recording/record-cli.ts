import { toolError } from '../errors.js';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BusConfigSchema, createBus, createLogger, loadConfig, runCommand, startProgress, summarizeIssues } from '../../../platform/src/index.js';
import { recordReadings } from './recorder.js';

const USAGE = `Records the live readings on the bus into an NDJSON file, the format \`npm run backtest\` replays.

Usage:
  npm run record -- --out FILE [options]

Options:
  --out FILE             where the recording goes (one canonical reading per line)
  --duration SECONDS     stop after this long (default 60)
  --max N                stop after N readings (default 1000000)
  --device ID            record only this device; repeat for several
  --from-beginning       start from the oldest reading Kafka still holds, not from now
  --help                 this text

Needs KAFKA_BROKERS (and the other KAFKA_* variables of the services): the embedded default's
in-process bus lives inside \`npm start\` and cannot be reached from another process.
Progress goes to stderr when it is a terminal; the summary to stdout. Exit code 0 when the
recording is written, 2 when an option is wrong, 1 when the run fails (Kafka unreachable).

Example:
  KAFKA_BROKERS=127.0.0.1:19092 npm run record -- --out incident.ndjson --duration 600 --device air-hoankiem-01
  npm run backtest -- --rules my-rules.json --input incident.ndjson`;

const OptionsSchema = z.strictObject({
  out: z.string({ error: 'give --out FILE' }).min(1),
  duration: z.coerce.number().positive('must be a positive number of seconds').default(60),
  max: z.coerce.number().int().positive('must be a positive whole number').default(1_000_000),
  device: z.array(z.string().min(1)).default([]),
  'from-beginning': z.boolean().default(false),
});

const FLAGS = {
  out: { type: 'string' },
  duration: { type: 'string' },
  max: { type: 'string' },
  device: { type: 'string', multiple: true },
  'from-beginning': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false });
  } catch (error) {
    throw toolError('IOC_RECORD_OPTIONS', [(error as Error).message.replace(/\. To specify a positional.*$/s, '')]);
  }
}

async function main(argv: string[]) {
  const { values } = parse(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { help: _help, ...rest } = values;
  const parsed = OptionsSchema.safeParse(rest);
  if (!parsed.success) throw toolError('IOC_RECORD_OPTIONS', [summarizeIssues(parsed.error.issues).replace(/^(\S+):/, '--$1:')]);
  const options = parsed.data;
  const busConfig = loadConfig(BusConfigSchema);
  if (busConfig.KAFKA_BROKERS.length === 0) throw toolError('IOC_RECORD_OPTIONS', ['KAFKA_BROKERS is not set; recording reads the readings from Kafka']);

  const bus = await createBus(busConfig, createLogger('record', process.env.LOG_LEVEL ?? 'warn', 2));
  const progress = startProgress({ unit: 'readings' });
  const started = performance.now();
  try {
    const summary = await recordReadings({
      bus,
      out: options.out,
      maxReadings: options.max,
      maxMs: options.duration * 1000,
      devices: new Set(options.device),
      fromBeginning: options['from-beginning'],
      onProgress: (recorded) => progress.update(recorded, `${((performance.now() - started) / 1000).toFixed(0)} s of ${options.duration} s`),
    });
    progress.finish();
    process.stdout.write(`recorded ${summary.recorded.toLocaleString('en')} readings into ${options.out} (stopped: ${summary.stoppedBecause})\n`);
  } finally {
    await bus.close();
  }
}

runCommand(() => main(process.argv.slice(2)));
