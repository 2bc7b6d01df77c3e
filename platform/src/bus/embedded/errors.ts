import { defineErrors, type ErrorDefinition } from '../../errors.js';

/** The embedded bus's own codes, beside the code that throws them. */
export const EMBEDDED_BUS_ERRORS = {
  IOC_BUS_CLOSED: { status: 503, message: (topic) => `Cannot publish on ${topic}: the bus is closed (the process is shutting down). Publish again after the restart.` },
  IOC_BUS_GROUP_TAKEN: { status: 409, message: (group, topic) => `Group "${group}" already consumes ${topic} in this process; the embedded bus has one member per group. Stop the first subscription or use another group id.` },
  IOC_BUS_LOG_UNWRITABLE: {
    status: 503,
    message: (path, why) => `Cannot write the bus log ${path} (${why}). Free disk space or fix the permissions of the data directory, then restart; senders publish again what was not acknowledged.`,
  },
  IOC_BUS_DIRECTORY_IN_USE: {
    status: 409,
    message: (directory, pid) => `The bus directory ${directory} is in use by process ${pid}. Stop that process, or give this one its own data directory (IOC_DATA_DIR).`,
  },
} as const satisfies Record<string, ErrorDefinition>;

export const embeddedBusError = defineErrors(EMBEDDED_BUS_ERRORS);
