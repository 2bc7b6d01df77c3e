/**
 * The one registry of coded errors. Each code has a message that tells the reader what to do;
 * HTTP handlers send `{ code, message, details }` with the status given here.
 */
export class IocError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, statusCode: number, details?: unknown) {
    super(message);
    this.name = 'IocError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

type Template = (...args: string[]) => string;

function define(statusCode: number, template: Template) {
  return { statusCode, template };
}

const REGISTRY = {
  IOC_CONFIG_INVALID: define(500, (list) => `Configuration is invalid: ${list}. Fix these environment variables and start again.`),
  IOC_TOPIC_UNKNOWN: define(400, (topic, why) => `Topic "${topic}" does not follow ioc/{domain}/{siteId}/{deviceId}/telemetry|event${why ? ` (${why})` : ''}; publish on a documented topic.`),
  IOC_PAYLOAD_NOT_JSON: define(400, (why) => `Payload is not valid JSON (${why}); devices must publish one UTF-8 JSON object per message.`),
  IOC_INVALID_PAYLOAD: define(400, (summary) => `Payload does not match the device schema: ${summary}.`),
  IOC_TOPIC_MISMATCH: define(400, (what) => `Payload disagrees with its topic: ${what}; publish each device on its own topic.`),
  IOC_UNAUTHENTICATED: define(401, () => 'Log in first: POST /api/login with {username, password}, then send "Authorization: Bearer <token>".'),
  IOC_BAD_CREDENTIALS: define(401, () => 'Wrong username or password.'),
  IOC_FORBIDDEN: define(403, (role, needed) => `Your role "${role}" may not do this; it needs one of: ${needed}.`),
  IOC_ALERT_NOT_FOUND: define(404, (id) => `No alert with id "${id}"; it may have been resolved and expired, reload the alert list.`),
  IOC_ALERT_TRANSITION: define(409, (from, to) => `An alert that is ${from} cannot be ${to}.`),
  IOC_INVALID_REQUEST: define(400, (summary) => `Request is invalid: ${summary}.`),
  IOC_INVALID_RULE_SET: define(400, (summary) => `Rule set refused: ${summary}. Nothing was changed.`),
  IOC_RULE_SET_NOT_FOUND: define(404, (id) => `No rule set "${id}" is in force; GET /api/rule-sets lists them.`),
  IOC_RULE_SET_VERSION: define(409, (id, held, sent, next) => `Rule set "${id}" is at version ${held} but the change carries version ${sent}; someone changed it meanwhile. Reload it, reapply your edit and send version ${next}.`),
  IOC_RECORD_OPTIONS: define(400, (summary) => `Recording options are invalid: ${summary}. See \`npm run record -- --help\`.`),
  IOC_USER_EXISTS: define(409, (name) => `User "${name}" already exists; choose another username.`),
  IOC_SESSION_EXPIRED: define(401, () => 'Your session has expired; log in again with POST /api/login.'),
  IOC_SESSION_REVOKED: define(401, () => 'This session was ended: since you logged in, the password was changed or the account was disabled or deleted. Log in again; ask an admin if you cannot.'),
  IOC_ACCOUNT_DISABLED: define(401, (name) => `The account "${name}" is disabled; ask an admin to enable it.`),
  IOC_USER_NOT_FOUND: define(404, (name) => `No user "${name}"; GET /api/users lists them.`),
  IOC_LAST_ADMIN: define(409, (name) => `"${name}" is the last enabled admin, so this would leave nobody able to manage users; make another user admin (or enable one) first.`),
  IOC_USER_CONFIGURED: define(409, (name, variable) => `User "${name}" is set by ${variable} at every start, so this change would be undone at the next restart; change ${variable} and restart instead (disable and enable work here).`),
  IOC_CURRENT_PASSWORD_WRONG: define(403, () => 'The current password is wrong; your password was not changed.'),
  IOC_USERS_FILE_INVALID: define(500, (file, why) => `Users file ${file} is not valid (${why}). Restore it from a backup or fix it by hand; or move it aside to start with only the configured users (accounts created in the dashboard are then lost).`),
  IOC_LOGIN_THROTTLED: define(429, (seconds) => `Too many failed logins for this username from your address; wait ${seconds} s before trying again, or ask an admin to check the account.`),
  IOC_NOT_FOUND: define(404, (path) => `Nothing at "${path}"; the API lives under /api (see the dashboard README).`),
  IOC_NOT_READY: define(503, (what) => `Not ready yet: ${what}. Retry in a few seconds.`),
  IOC_INTERNAL: define(500, (requestId) => `Unexpected server error (request ${requestId}); the server logged the cause under this request id.`),
  IOC_PORT_IN_USE: define(500, (port, variable) => `Port ${port} is already in use; set ${variable} to a free port.`),
  IOC_MQTT_REFUSED: define(500, (url, why) => `The MQTT broker at ${url} refused ingest (${why}); check MQTT_USERNAME and MQTT_PASSWORD and that this account may subscribe to ioc/#.`),
  IOC_KAFKA_UNREACHABLE: define(503, (brokers, why) => `Cannot reach Kafka at ${brokers} (${why}); start Kafka (npm run services:up) or fix KAFKA_BROKERS.`),
  IOC_KAFKA_TOPIC_NO_LEADER: define(503, (topics, ms) => `Kafka topics ${topics} still have no leader after ${ms} ms; check the brokers with kafka-topics.sh --describe and start again.`),
  IOC_BUS_RECORD_NOT_JSON: define(500, (where, why) => `Bus record ${where} is not valid JSON (${why}); it was moved to ioc.deadletter. Publish on bus topics only through the Bus, which writes JSON.`),
  IOC_STORE_REJECTED: define(500, (count, status, why) => `The time-series store refused ${count} line(s) with HTTP ${status} (${why}); fix the data or the schema, the rest of the batch was kept.`),
  IOC_STORE_UNAUTHORIZED: define(500, (status, org, bucket) => `The time-series store answered HTTP ${status}: set INFLUX_TOKEN to a token that may write to bucket "${bucket}" of org "${org}". Writes are retried meanwhile.`),
  IOC_STORE_BUCKET_NOT_FOUND: define(500, (org, bucket) => `The time-series store has no bucket "${bucket}" in org "${org}": create it or fix INFLUX_ORG / INFLUX_BUCKET. Writes are retried meanwhile.`),
  IOC_SINK_CLOSED: define(503, (count) => `The time-series sink was closed with ${count} line(s) not acknowledged; they were not committed on the bus and will be delivered again.`),
  IOC_RECORDING_INVALID: define(400, (file, line, why) => `Recording ${file}, line ${line}: ${why}. Fix or remove that line and run again.`),
  IOC_RECORDING_OPTIONS: define(400, (summary) => `Recording options are invalid: ${summary}. Fix these options and run again.`),
  IOC_MQTT_LOGIN_REFUSED: define(401, (url, why) => `The MQTT broker at ${url} refused the device login (${why}); give a device account with --username and --password (or MQTT_USERNAME / MQTT_PASSWORD). \`npm start\` prints the embedded broker's device login.`),
  IOC_REPLAY_OPTIONS: define(400, (why) => `Replay options are invalid: ${why}. See \`npm run replay -- --help\` for the usage.`),
  IOC_BACKTEST_OPTIONS: define(400, (why) => `Backtest options are invalid: ${why}. See \`npm run backtest -- --help\` for the usage.`),
  IOC_RULE_FILE_INVALID: define(400, (file, why) => `Rule file ${file} is not a valid rule set: ${why}. Fix the file, or pass --rules defaults for the shipped rules.`),
  IOC_SIMULATOR_OPTIONS_INVALID: define(400, (summary) => `Simulator options are invalid: ${summary}. See \`npm run simulate -- --help\` for every option and its default.`),
  IOC_MQTT_UNREACHABLE: define(503, (url, why) => `Cannot connect to the MQTT broker at ${url} (${why}); start the broker or point --url / MQTT_URL at a running one.`),
} as const;

export type ErrorCode = keyof typeof REGISTRY;

export function iocError(code: ErrorCode, args: string[] = [], details?: unknown): IocError {
  const entry = REGISTRY[code];
  return new IocError(code, entry.template(...args), entry.statusCode, details);
}

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
