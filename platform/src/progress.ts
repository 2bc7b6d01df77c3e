/**
 * The progress line of long command-line work (backtest, record, replay), on stderr so that the
 * summary on stdout stays clean for scripts. Drawn only on a terminal, rewritten in place at most
 * ten times a second; on a pipe or a file nothing is written.
 */
export interface Progress {
  /** `done` items so far; `note` is appended (e.g. where in the recording the run is). */
  update(done: number, note?: string): void;
  /** Draws the last state and ends the line, so what follows starts on a fresh one. */
  finish(): void;
}

export interface ProgressOptions {
  /** What is counted, plural: "readings", "messages". */
  unit: string;
  /** How many there are in all, when known: a bar, a percentage and the time left are shown. */
  total?: number;
  /**
   * Whether the time left follows from the rate so far (default). Work whose pace is set by
   * something else — a replay at the recording's pace — says its own in the note instead.
   */
  timeLeftFromRate?: boolean;
}

const BAR_WIDTH = 20;
const REDRAW_MS = 100;

/** The text of the progress line; pure, so it is tested without a terminal. */
export function progressText(state: { done: number; elapsedMs: number; note?: string } & ProgressOptions): string {
  const { done, total, elapsedMs, unit, note } = state;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`);
    parts.push(`${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}`);
  } else {
    parts.push(`${done.toLocaleString('en')} ${unit}`);
  }
  parts.push(`${Math.round(rate).toLocaleString('en')}/s`);
  if (total !== undefined && total > done && rate > 0 && state.timeLeftFromRate !== false) parts.push(`${formatDuration((total - done) / rate)} left`);
  if (note) parts.push(note);
  return parts.join('  ');
}

/** Seconds as "42 s", "3 min 05 s" or "2 h 07 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export function startProgress(options: ProgressOptions, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, finish: () => undefined };
  const started = performance.now();
  let drawnAt = -Infinity;
  let last = { done: 0, note: undefined as string | undefined };
  const draw = () => {
    drawnAt = performance.now();
    stream.write(`\r\x1b[2K${progressText({ ...options, ...last, elapsedMs: drawnAt - started })}`);
  };
  return {
    update(done, note) {
      last = { done, note };
      if (performance.now() - drawnAt >= REDRAW_MS) draw();
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}
