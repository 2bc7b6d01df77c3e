import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of store-writer; see platform's defineErrors. */
export const STORE_WRITER_ERRORS = {
  IOC_STORE_REJECTED: { status: 500, message: (count, status, why) => `The time-series store refused ${count} line(s) with HTTP ${status} (${why}); fix the data or the schema, the rest of the batch was kept.` },
  IOC_STORE_UNAUTHORIZED: { status: 500, message: (status, org, bucket) => `The time-series store answered HTTP ${status}: set INFLUX_TOKEN to a token that may write to bucket "${bucket}" of org "${org}". Writes are retried meanwhile.` },
  IOC_STORE_BUCKET_NOT_FOUND: { status: 500, message: (org, bucket) => `The time-series store has no bucket "${bucket}" in org "${org}": create it or fix INFLUX_ORG / INFLUX_BUCKET. Writes are retried meanwhile.` },
  IOC_SINK_CLOSED: { status: 503, message: (count) => `The time-series sink was closed with ${count} line(s) not acknowledged; they were not committed on the bus and will be delivered again.` },
} as const satisfies Record<string, ErrorDefinition>;

export type StoreErrorCode = keyof typeof STORE_WRITER_ERRORS;
export const storeError = defineErrors(STORE_WRITER_ERRORS);
