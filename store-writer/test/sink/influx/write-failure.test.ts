import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { classifyWriteFailure, retryAfterMs } from '../../../src/sink/influx/write-failure.js';

const http = (status: number, headers: Record<string, string> = {}) => new HttpError(status, 'x', '', headers['retry-after'], 'text/plain', undefined, headers);

describe('what a failed write leads to', () => {
  it('retries an overloaded or unavailable store, honouring Retry-After', () => {
    expect(classifyWriteFailure(http(429, { 'retry-after': '3' }))).toEqual({ action: 'retry', retryAfterMs: 3000 });
    expect(classifyWriteFailure(http(503))).toEqual({ action: 'retry', retryAfterMs: 0 });
    expect(classifyWriteFailure(http(500))).toEqual({ action: 'retry', retryAfterMs: 0 });
  });

  it('retries when the store cannot be reached at all', () => {
    expect(classifyWriteFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toEqual({ action: 'retry', retryAfterMs: 0 });
  });

  it('keeps retrying a wrong token or bucket, which an operator fixes while Kafka holds the readings', () => {
    expect(classifyWriteFailure(http(401))).toMatchObject({ action: 'retry', misconfigured: 'unauthorized' });
    expect(classifyWriteFailure(http(404))).toMatchObject({ action: 'retry', misconfigured: 'bucket-not-found' });
  });

  it('splits a request that is too large and gives up on data the store calls invalid', () => {
    expect(classifyWriteFailure(http(413))).toEqual({ action: 'split' });
    expect(classifyWriteFailure(http(400))).toEqual({ action: 'reject', status: 400 });
    expect(classifyWriteFailure(http(422))).toEqual({ action: 'reject', status: 422 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Tue, 24 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBe(0);
  });
});
