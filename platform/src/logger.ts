import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; LOG_LEVEL sets the level. Services log to stdout as usual; the all-in-one
 * launcher sends them to stderr (fd 2) so its start-up banner stays readable on stdout.
 */
export function createLogger(part: string, level = process.env.LOG_LEVEL ?? 'info', fd: 1 | 2 = 1): Logger {
  return pino({ name: part, level, base: { part } }, fd === 1 ? undefined : pino.destination({ fd, sync: false }));
}
