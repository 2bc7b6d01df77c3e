/**
 * Coded errors, one mechanism for every part. A part declares its own codes beside its code
 * with `defineErrors`; each code has an HTTP status and a message that tells the reader what to
 * do. HTTP handlers send `{ code, message, details }`; the error that caused one is kept as
 * `cause` (the logger prints it), so a root cause is never reduced to its message.
 */
export class IocError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details?: unknown;

  constructor(code: string, message: string, statusCode: number, options: IocErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IocError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = options.details;
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export interface IocErrorOptions {
  /** Sent to the client with the code and message (HTTP) or kept with the dead letter. */
  details?: unknown;
  /** The error this one explains; logged with it, never sent to clients. */
  cause?: unknown;
}

export interface ErrorDefinition {
  status: number;
  message: (...args: string[]) => string;
}

/** A part's error factory over its own codes: `const fail = defineErrors({ IOC_X: { status, message } })`. */
export function defineErrors<const Registry extends Record<string, ErrorDefinition>>(registry: Registry) {
  return function error(code: keyof Registry & string, args: string[] = [], options?: IocErrorOptions): IocError {
    const entry = registry[code];
    return new IocError(code, entry.message(...args), entry.status, options);
  };
}

export const PLATFORM_ERRORS = {
  IOC_COMMAND_LINE_INVALID: { status: 400, message: (why) => `${why}. Run the command with --help for its usage.` },
  IOC_CONFIG_INVALID: { status: 500, message: (list) => `Configuration is invalid: ${list}. Fix these environment variables and start again.` },
  IOC_PORT_IN_USE: { status: 500, message: (port, variable) => `Port ${port} is already in use; set ${variable} to a free port.` },
  IOC_KAFKA_UNREACHABLE: { status: 503, message: (brokers, why) => `Cannot reach Kafka at ${brokers} (${why}); start Kafka (npm run services:up) or fix KAFKA_BROKERS.` },
  IOC_KAFKA_TOPIC_NO_LEADER: { status: 503, message: (topics, ms) => `Kafka topics ${topics} still have no leader after ${ms} ms; check the brokers with kafka-topics.sh --describe and start again.` },
  IOC_BUS_RECORD_NOT_JSON: { status: 500, message: (where, why) => `Bus record ${where} is not valid JSON (${why}); it was moved to ioc.deadletter. Publish on bus topics only through the Bus, which writes JSON.` },
  IOC_MQTT_LOGIN_REFUSED: { status: 401, message: (url, why) => `The MQTT broker at ${url} refused the device login (${why}); give a device account with --username and --password (or MQTT_USERNAME / MQTT_PASSWORD). \`npm start\` prints the embedded broker's device login.` },
  IOC_DATABASE_UNREACHABLE: { status: 503, message: (where, why) => `Cannot open the database (${where}): ${why}. Start PostgreSQL or fix DATABASE_URL; for the embedded SQLite file, check that its folder is writable.` },
  IOC_DATABASE_MIGRATION_FAILED: { status: 500, message: (migration, where, why) => `Migration ${migration} of the database (${where}) failed: ${why}. Nothing of it was applied; restore the database from a backup if it was changed by hand, then start again.` },
  IOC_MQTT_UNREACHABLE: { status: 503, message: (url, why) => `Cannot connect to the MQTT broker at ${url} (${why}); start the broker or point --url / MQTT_URL at a running one.` },
} as const satisfies Record<string, ErrorDefinition>;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;
export const platformError = defineErrors(PLATFORM_ERRORS);

/** Formats zod issues as `path: message` items; the path names the exact field at fault. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>) {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

export function summarizeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return describeIssues(issues)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}
