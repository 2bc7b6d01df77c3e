import { HttpError } from '@influxdata/influxdb-client';

/**
 * What to do when the store did not acknowledge a write:
 * - retry: the store is down, overloaded (429/503, other 5xx), unreachable or too slow; also when
 *   it refuses our token (401/403) or knows no such bucket (404), because those are fixed by an
 *   operator while Kafka holds the readings, and dropping them would lose data for a typo.
 * - split: the request was too large (413); send each half on its own.
 * - reject: the store refused the data itself (400, 422, other 4xx). InfluxDB writes the valid
 *   lines of a batch and names the bad ones; retrying cannot make them valid.
 */
export type WriteFailure =
  | { action: 'retry'; retryAfterMs: number; misconfigured?: 'unauthorized' | 'bucket-not-found' }
  | { action: 'split' }
  | { action: 'reject'; status: number };

export function classifyWriteFailure(error: unknown, now = Date.now()): WriteFailure {
  if (!(error instanceof HttpError)) return { action: 'retry', retryAfterMs: 0 };
  const status = error.statusCode;
  if (status === 413) return { action: 'split' };
  if (status === 401 || status === 403) return { action: 'retry', retryAfterMs: 0, misconfigured: 'unauthorized' };
  if (status === 404) return { action: 'retry', retryAfterMs: 0, misconfigured: 'bucket-not-found' };
  if (status === 429 || status >= 500) return { action: 'retry', retryAfterMs: retryAfterMs(error.headers?.['retry-after'], now) };
  return { action: 'reject', status };
}

/** Retry-After is either seconds or an HTTP date (RFC 9110); anything else means "no hint". */
export function retryAfterMs(header: string | string[] | undefined, now: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 0 : Math.max(0, at - now);
}
