import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of dashboard; see platform's defineErrors. */
export const DASHBOARD_ERRORS = {
  IOC_UNAUTHENTICATED: { status: 401, message: () => 'Log in first: POST /api/login with {username, password}, then send "Authorization: Bearer <token>".' },
  IOC_BAD_CREDENTIALS: { status: 401, message: () => 'Wrong username or password.' },
  IOC_FORBIDDEN: { status: 403, message: (role, needed) => `Your role "${role}" may not do this; it needs one of: ${needed}.` },
  IOC_ALERT_NOT_FOUND: { status: 404, message: (id) => `No alert with id "${id}"; it may have been resolved and expired, reload the alert list.` },
  IOC_ALERT_TRANSITION: { status: 409, message: (from, to) => `An alert that is ${from} cannot be ${to}.` },
  IOC_INVALID_REQUEST: { status: 400, message: (summary) => `Request is invalid: ${summary}.` },
  IOC_INVALID_RULE_SET: { status: 400, message: (summary) => `Rule set refused: ${summary}. Nothing was changed.` },
  IOC_RULE_SET_NOT_FOUND: { status: 404, message: (id) => `No rule set "${id}" is in force; GET /api/rule-sets lists them.` },
  IOC_RULE_SET_VERSION: { status: 409, message: (id, held, sent, next) => `Rule set "${id}" is at version ${held} but the change carries version ${sent}; someone changed it meanwhile. Reload it, reapply your edit and send version ${next}.` },
  IOC_USER_EXISTS: { status: 409, message: (name) => `User "${name}" already exists; choose another username.` },
  IOC_SESSION_EXPIRED: { status: 401, message: () => 'Your session has expired; log in again with POST /api/login.' },
  IOC_SESSION_REVOKED: { status: 401, message: () => 'This session was ended: since you logged in, the password was changed or the account was disabled or deleted. Log in again; ask an admin if you cannot.' },
  IOC_ACCOUNT_DISABLED: { status: 401, message: (name) => `The account "${name}" is disabled; ask an admin to enable it.` },
  IOC_USER_NOT_FOUND: { status: 404, message: (name) => `No user "${name}"; GET /api/users lists them.` },
  IOC_LAST_ADMIN: { status: 409, message: (name) => `"${name}" is the last enabled admin, so this would leave nobody able to manage users; make another user admin (or enable one) first.` },
  IOC_USER_CONFIGURED: { status: 409, message: (name, variable) => `User "${name}" is set by ${variable} at every start, so this change would be undone at the next restart; change ${variable} and restart instead (disable and enable work here).` },
  IOC_CURRENT_PASSWORD_WRONG: { status: 403, message: () => 'The current password is wrong; your password was not changed.' },
  IOC_IMPORT_FILE_INVALID: { status: 500, message: (file, why) => `${file}, kept by the release before the database, cannot be imported (${why}). Restore it from a backup or fix it; or move it aside to start with only the configured accounts (accounts created in the dashboard are then lost).` },
  IOC_LOGIN_THROTTLED: { status: 429, message: (seconds) => `Too many failed logins for this username from your address; wait ${seconds} s before trying again, or ask an admin to check the account.` },
  IOC_NOT_FOUND: { status: 404, message: (path) => `Nothing at "${path}"; the API lives under /api (see the dashboard README).` },
  IOC_UPGRADE_REQUIRED: { status: 426, message: () => `/ws is a WebSocket: open it with a WebSocket client offering the subprotocols "ioc.v1" and "bearer.<token>".` },
  IOC_NOT_READY: { status: 503, message: (what) => `Not ready yet: ${what}. Retry in a few seconds.` },
  IOC_INTERNAL: { status: 500, message: (requestId) => `Unexpected server error (request ${requestId}); the server logged the cause under this request id.` },
} as const satisfies Record<string, ErrorDefinition>;

export type DashboardErrorCode = keyof typeof DASHBOARD_ERRORS;
export const dashboardError = defineErrors(DASHBOARD_ERRORS);
