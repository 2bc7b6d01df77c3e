import { toolError } from '../errors.js';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { deviceMessageForReading } from '../../../contracts/src/index.js';
import { formatDuration, handleCommandLine, runCommand, startProgress } from '../../../platform/src/index.js';
import { CSV_FLAGS, CSV_FLAGS_USAGE, csvRecordingOptionsFromFlags, type CsvFlagValues } from './csv-flags.js';
import type { CsvRecordingOptions } from './csv.js';
import { readRecording, recordingFormatOf, type RecordingFormat } from './read-recording.js';
import type { PaceOptions } from './replay-pace.js';
import { MqttReplayPublisher } from './replay-publisher.js';
import { replayReadings, skipLabel, type ReplaySummary } from './replay.js';

/** The embedded default's broker (`npm start`), as the simulators default to it too. */
const DEFAULT_URL = 'mqtt://127.0.0.1:1883';
/** Without --speed, as fast as possible is capped here: a rate the embedded default ingests comfortably on a laptop. */
const DEFAULT_MAX_RATE = 1000;
/** Messages awaiting their PUBACK at most: enough to keep a loopback broker busy, few enough to stop promptly. */
const IN_FLIGHT_WINDOW = 64;

const USAGE = `Replays a recording into a running pipeline over MQTT: every reading becomes the message its
device published, on its device's topic, at QoS 1, so ingest and the processor take it as live.

Usage:
  npm run replay -- --input FILE [options]

Options:
  --input FILE           the recording: NDJSON of canonical readings (npm run record), or a CSV time series
  --format csv|ndjson    the recording's format (default: csv for *.csv, ndjson otherwise)
  --url URL              the broker (default: MQTT_URL, else ${DEFAULT_URL}, the embedded default's)
  --username NAME        a device account (default: MQTT_USERNAME); npm start prints its own
  --password SECRET      its password (default: MQTT_PASSWORD)
  --speed N              recording seconds per real second: 1 is the original pace (default), 60 an hour a minute
  --as-fast-as-possible  ignore the recording's spacing and send as fast as the broker acknowledges
  --max-rate N           at most N messages a second (default ${DEFAULT_MAX_RATE} with --as-fast-as-possible, no cap otherwise)
  --retime               shift device times so the first reading is now, keeping their spacing ÷ speed, so
                         missing-data and time-of-day rules behave as live; without it the recorded times are sent
${CSV_FLAGS_USAGE}
  --help                 this text

Sequence numbers are sent as recorded. Readings no device publishes — the processor's own hourly
means and VN_AQI, or anything the device payload schema refuses — are skipped and counted by
reason. The recording is read through once before anything is sent, so a broken line stops the
replay before the first message. It stops at the end of the recording, or on Ctrl+C after the
messages in flight are acknowledged (a second Ctrl+C quits at once). The summary goes to stdout,
progress to stderr when it is a terminal. Exit code 0 when every message was acknowledged, 2 when
an option or the recording is wrong, 1 when the run fails (broker unreachable, messages not
acknowledged).

Examples:
  npm run replay -- --input incident.ndjson --url mqtt://127.0.0.1:18883 --speed 10 --retime
  npm run replay -- --input ../shared/data/hanoi-pm25/hanoi_pm25_hourly_2015_2020.csv --speed 3600 \\
    --metric pm25 --kind air-station --device US-EMBASSY --ward "Phường Ba Đình" \\
    --time-column timestamp_utc --value-column raw_conc_ugm3 --username device --password SECRET`;

const FLAGS = {
  input: { type: 'string' },
  format: { type: 'string' },
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  speed: { type: 'string' },
  'as-fast-as-possible': { type: 'boolean', default: false },
  'max-rate': { type: 'string' },
  retime: { type: 'boolean', default: false },
  ...CSV_FLAGS,
  help: { type: 'boolean', default: false },
} as const;

const ReplayFlagsSchema = z
  .strictObject({
    input: z.string({ error: 'give the recording to replay' }).min(1),
    format: z.enum(['ndjson', 'csv']).optional(),
    url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/, 'use a broker URL such as mqtt://127.0.0.1:1883 (mqtt, mqtts, ws or wss)'),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    speed: z.coerce.number<string>().positive('must be a positive number').max(1_000_000).optional(),
    'as-fast-as-possible': z.boolean(),
    'max-rate': z.coerce.number<string>().positive('must be a positive number of messages a second').max(100_000).optional(),
    retime: z.boolean(),
  })
  .superRefine((flags, ctx) => {
    if (flags.speed !== undefined && flags['as-fast-as-possible']) {
      ctx.addIssue({ code: 'custom', path: ['speed'], message: 'give either --speed or --as-fast-as-possible, not both' });
    }
  });

export interface ReplayCommand {
  input: string;
  format: RecordingFormat;
  csv?: CsvRecordingOptions;
  broker: { url: string; username?: string; password?: string };
  pace: PaceOptions;
}

/**
 * The command line (and MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD) as checked options; throws
 * IOC_REPLAY_OPTIONS naming the option at fault. `--help` is handled before this.
 */
export function parseReplayCommandLine(argv: string[], env: NodeJS.ProcessEnv = {}): ReplayCommand {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw toolError('IOC_REPLAY_OPTIONS', [(error as Error).message.replace(/\. To specify a positional.*$/s, '')]);
  }
  const { help: _help, input, format, url, username, password, speed, 'as-fast-as-possible': asFast, 'max-rate': maxRate, retime, ...csvFlags } = values;
  const parsed = ReplayFlagsSchema.safeParse({
    input,
    format,
    url: url ?? (env.MQTT_URL || DEFAULT_URL),
    username: username ?? (env.MQTT_USERNAME || undefined),
    password: password ?? (env.MQTT_PASSWORD || undefined),
    speed,
    'as-fast-as-possible': asFast,
    'max-rate': maxRate,
    retime,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const flag = String(issue.path[0]);
      return `--${flag}${flag === 'url' && url === undefined ? ' (from MQTT_URL)' : ''}: ${issue.message}`;
    });
    throw toolError('IOC_REPLAY_OPTIONS', [problems.join('; ')]);
  }
  const flags = parsed.data;
  const chosenFormat = flags.format ?? recordingFormatOf(flags.input);
  return {
    input: flags.input,
    format: chosenFormat,
    ...(chosenFormat === 'csv' ? { csv: csvRecordingOptionsFromFlags(csvFlags as CsvFlagValues, flags.input, 'IOC_REPLAY_OPTIONS') } : {}),
    broker: { url: flags.url, ...(flags.username === undefined ? {} : { username: flags.username }), ...(flags.password === undefined ? {} : { password: flags.password }) },
    pace: {
      speed: flags.speed ?? 1,
      asFastAsPossible: flags['as-fast-as-possible'],
      retime: flags.retime,
      ...(flags['max-rate'] !== undefined ? { maxRate: flags['max-rate'] } : flags['as-fast-as-possible'] ? { maxRate: DEFAULT_MAX_RATE } : {}),
    },
  };
}

const plural = (count: number, noun: string) => `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
const minuteOf = (ts: number) => `${new Date(ts).toISOString().slice(0, 16)}Z`;

/** What the summary on stdout says. */
export function replaySummaryText(summary: ReplaySummary, command: ReplayCommand): string {
  const seconds = summary.durationMs / 1000;
  const rate = seconds > 0 ? summary.published / seconds : 0;
  const skipped = Object.entries(summary.skipped).sort(([, a], [, b]) => b - a);
  const skippedTotal = skipped.reduce((sum, [, count]) => sum + count, 0);
  const width = skipped.length > 0 ? skipped[0][1].toLocaleString('en').length : 0;
  const shown = skipped.slice(0, 10);
  const lines = [
    `replayed ${command.input} into ${command.broker.url} (stopped: ${summary.stoppedBecause})`,
    `  published ${plural(summary.published, 'message')} in ${formatDuration(seconds)} (${seconds.toFixed(1)} s), ${rate.toFixed(1)} msg/s` +
      (summary.firstTs === undefined ? '' : `; recording time ${minuteOf(summary.firstTs)} – ${minuteOf(summary.lastTs!)}`),
    `  skipped ${plural(skippedTotal, 'reading')}${skipped.length > 0 ? ':' : ''}`,
    ...shown.map(([label, count]) => `    ${count.toLocaleString('en').padStart(width)}  ${label}`),
    ...(skipped.length > shown.length ? [`    and ${skipped.length - shown.length} more reasons`] : []),
    ...(summary.failed > 0 ? [`  failed ${summary.failed.toLocaleString('en')}: the broker never acknowledged them (${summary.lastFailure})`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Reads the recording through once before anything is sent: every line is checked, the readings
 * are counted for the progress bar, and a recording none of whose readings a device could have
 * sent (a CSV whose --metric the --kind does not measure, a file of derived readings) is refused
 * instead of replaying nothing.
 */
async function surveyRecording(command: ReplayCommand): Promise<{ total: number; lastTs: number }> {
  if (!(await stat(command.input).then((s) => s.isFile(), () => false))) throw toolError('IOC_REPLAY_OPTIONS', [`--input: no file "${command.input}"`]);
  let total = 0;
  let lastTs = Number.NEGATIVE_INFINITY;
  let sendable = 0;
  let refusal = '';
  for await (const reading of readRecording(command.input, command.format, command.csv)) {
    total++;
    lastTs = Math.max(lastTs, reading.ts);
    if (sendable > 0) continue;
    const message = deviceMessageForReading(command.pace.retime ? { ...reading, ts: Date.now() } : reading, { countingPeriodSeconds: 60 });
    if (message.ok) sendable++;
    else refusal ||= skipLabel(message.reason, message.detail);
  }
  if (total > 0 && sendable === 0) {
    const hint = command.format === 'csv' ? ` (is --metric ${command.csv?.metric} measured by --kind ${command.csv?.kind}?)` : '';
    throw toolError('IOC_REPLAY_OPTIONS', [`none of the ${total.toLocaleString('en')} readings of ${command.input} is one a device publishes: ${refusal}${hint}`]);
  }
  return { total, lastTs };
}

function progressNote(recordingTs: number | undefined, lagMs: number, waiting?: { ts: number; inMs: number }): string | undefined {
  if (waiting) return `next reading ${minuteOf(waiting.ts)} in ${formatDuration(waiting.inMs / 1000)}`;
  if (recordingTs === undefined) return undefined;
  return `at ${minuteOf(recordingTs)}${lagMs >= 1000 ? `, ${formatDuration(lagMs / 1000)} behind the recording's pace` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const command = parseReplayCommandLine(argv, process.env);
  const { total, lastTs } = await surveyRecording(command);
  const publisher = await MqttReplayPublisher.connect(command.broker);

  const stop = new AbortController();
  let signals = 0;
  const onSignal = () => {
    // A second Ctrl+C means "now", even if the broker is still acknowledging.
    if (++signals > 1) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // At the recording's pace, the time left is the recording left ÷ speed, not what the rate so far suggests.
  const paced = !command.pace.asFastAsPossible;
  const progress = startProgress({ unit: 'readings', total, timeLeftFromRate: !paced });
  let summary: ReplaySummary;
  try {
    summary = await replayReadings({
      readings: readRecording(command.input, command.format, command.csv),
      publisher,
      pace: command.pace,
      window: IN_FLIGHT_WINDOW,
      signal: stop.signal,
      onProgress: ({ taken, recordingTs, lagMs, waiting }) => {
        const left = paced && recordingTs !== undefined ? `, ends in ${formatDuration((lastTs - recordingTs) / 1000 / command.pace.speed)}` : '';
        progress.update(taken, `${progressNote(recordingTs, lagMs, waiting) ?? ''}${left}`);
      },
    });
  } finally {
    progress.finish();
    await publisher.close();
  }
  process.stdout.write(replaySummaryText(summary, command));
  return summary.failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  handleCommandLine(process.argv, USAGE, { takesOptions: true });
  runCommand(() => main(process.argv.slice(2)));
}
