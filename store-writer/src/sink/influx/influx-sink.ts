import { storeError } from '../../errors.js';
import { InfluxDB, type Transport } from '@influxdata/influxdb-client';
import type { Alert, Reading } from '../../../../contracts/src/index.js';
import { backoffDelay, type BackoffPolicy } from '../../../../platform/src/index.js';
import type { Logger } from '../../../../platform/src/index.js';
import type { TimeSeriesSink } from '../sink.js';
import { alertLine, readingLine } from './line-protocol.js';
import { classifyWriteFailure } from './write-failure.js';

export interface InfluxSinkOptions {
  /** InfluxDB 2.x (or a store speaking its write API, such as VictoriaMetrics), e.g. http://127.0.0.1:8086. */
  url: string;
  token: string;
  org: string;
  bucket: string;
  /** Lines accepted but not acknowledged at which isFull() turns true (default 100,000). */
  maxBacklog?: number;
  /** Most lines in one HTTP request (default 5,000). */
  batchLines?: number;
  /** Write requests in flight at once (default 2). */
  concurrency?: number;
  /** Time one request may take before it counts as failed and is retried (default 10 s). */
  timeoutMs?: number;
  /** Wait between attempts of one request (default 200 ms doubling to 30 s; a Retry-After header wins when longer). */
  retry?: BackoffPolicy;
  /** How long close() lets the backlog drain before giving up on it (default 10 s). */
  closeTimeoutMs?: number;
  logger: Logger;
}

export interface InfluxSinkStats {
  backlog: number;
  writtenLines: number;
  /** Lines the store refused as invalid (HTTP 400/422); logged with the store's reason. */
  rejectedLines: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Since when writes are failing (epoch ms), while they are. */
  failingSince?: number;
}

interface Ticket {
  remaining: number;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** Lines of one write() call still waiting for a request. */
interface Pending {
  lines: string[];
  next: number;
  ticket: Ticket;
}

/** The lines of one HTTP request and the write() calls they belong to. */
interface Batch {
  lines: string[];
  owners: Array<{ ticket: Ticket; count: number }>;
}

/**
 * The time-series sink on InfluxDB 2.x. write() resolves only once the store acknowledged every
 * line of the call, so the processor can commit bus offsets after it. Lines go out at once when a
 * request slot is free and are coalesced into larger requests while others are in flight: no
 * flush timer. Failed requests are retried by this class (back-off with jitter, Retry-After
 * honoured) for as long as it takes, never by the client library, whose retry buffer drops the
 * oldest lines when full. Memory stays bounded because the caller stops feeding when isFull()
 * says so, and resumes on whenDrained(); Kafka keeps what is not consumed meanwhile.
 */
export class InfluxSink implements TimeSeriesSink {
  private readonly transport: Transport;
  private readonly path: string;
  private readonly maxBacklog: number;
  private readonly batchLines: number;
  private readonly concurrency: number;
  private readonly retry: BackoffPolicy;
  private readonly closeTimeoutMs: number;
  private readonly logger: Logger;
  private readonly pending: Pending[] = [];
  private readonly drainWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly closing = new AbortController();
  private queuedLines = 0;
  private sendingLines = 0;
  private requests = 0;
  private closed = false;
  private readonly counters: Omit<InfluxSinkStats, 'backlog'> = { writtenLines: 0, rejectedLines: 0, retries: 0 };

  constructor(private readonly options: InfluxSinkOptions) {
    this.transport = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000 }).transport;
    this.path = `/api/v2/write?org=${encodeURIComponent(options.org)}&bucket=${encodeURIComponent(options.bucket)}&precision=ms`;
    this.maxBacklog = options.maxBacklog ?? 100_000;
    this.batchLines = options.batchLines ?? 5_000;
    this.concurrency = options.concurrency ?? 2;
    this.retry = options.retry ?? { initialMs: 200, maxMs: 30_000 };
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.logger = options.logger;
  }

  write(readings: readonly Reading[], alerts: readonly Alert[]): Promise<void> {
    const lines = readings.map(readingLine);
    for (const alert of alerts) lines.push(alertLine(alert));
    if (this.closed) return Promise.reject(storeError('IOC_SINK_CLOSED', [String(lines.length)]));
    if (lines.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: lines.length, settled: false, resolve, reject };
      this.pending.push({ lines, next: 0, ticket });
      this.queuedLines += lines.length;
      this.pump();
    });
  }

  /** Lines accepted by write() and not yet acknowledged by the store (one line per reading or alert change). */
  backlog(): number {
    return this.queuedLines + this.sendingLines;
  }

  /**
   * True once the backlog reached `maxBacklog`: pause consuming, then await whenDrained(). Writes
   * made while full are still accepted (never dropped); the limit is kept by the caller pausing.
   */
  isFull(): boolean {
    return this.backlog() >= this.maxBacklog;
  }

  /** Resolves once the backlog is at or below half of `maxBacklog`, at once if it already is. */
  whenDrained(): Promise<void> {
    if (this.backlog() <= this.maxBacklog / 2) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  stats(): InfluxSinkStats {
    return { backlog: this.backlog(), ...this.counters };
  }

  /**
   * Stops accepting writes and lets the backlog drain for up to `closeTimeoutMs`. Writes still
   * unacknowledged then are rejected with IOC_SINK_CLOSED: their offsets are not committed, so
   * the bus delivers them again to whoever consumes next.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.backlog() > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    this.closing.abort();
    const unsent = this.pending.splice(0);
    this.queuedLines = 0;
    for (const { ticket } of unsent) this.fail(ticket);
    while (this.requests > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.requests < this.concurrency && this.queuedLines > 0) {
      const batch = this.take();
      this.requests++;
      this.queuedLines -= batch.lines.length;
      this.sendingLines += batch.lines.length;
      void this.send(batch).finally(() => {
        this.requests--;
        this.afterProgress();
        this.pump();
      });
    }
  }

  /** Up to `batchLines` lines from the head of the queue, splitting a write() call across requests if needed. */
  private take(): Batch {
    const batch: Batch = { lines: [], owners: [] };
    while (batch.lines.length < this.batchLines && this.pending.length > 0) {
      const head = this.pending[0];
      const count = Math.min(head.lines.length - head.next, this.batchLines - batch.lines.length);
      for (let i = head.next; i < head.next + count; i++) batch.lines.push(head.lines[i]);
      batch.owners.push({ ticket: head.ticket, count });
      head.next += count;
      if (head.next === head.lines.length) this.pending.shift();
    }
    return batch;
  }

  /** Sends one batch until the store acknowledges it, refuses it as invalid, or the sink closes. */
  private async send(batch: Batch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // One signal per request: the client library adds an abort listener to the signal it is given
      // and never removes it, so handing it the sink's own signal would keep one per request forever.
      const request = new AbortController();
      const abort = () => request.abort();
      this.closing.signal.addEventListener('abort', abort, { once: true });
      try {
        await this.transport.request(this.path, batch.lines.join('\n'), {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          signal: request.signal,
        });
        this.closing.signal.removeEventListener('abort', abort);
        this.recovered();
        this.counters.writtenLines += batch.lines.length;
        this.settle(batch);
        return;
      } catch (error) {
        this.closing.signal.removeEventListener('abort', abort);
        if (this.closing.signal.aborted) return this.failBatch(batch);
        const failure = classifyWriteFailure(error);
        if (failure.action === 'split' && batch.lines.length > 1) {
          const half = Math.ceil(batch.lines.length / 2);
          await this.send(this.slice(batch, 0, half));
          await this.send(this.slice(batch, half, batch.lines.length));
          return;
        }
        if (failure.action !== 'retry') {
          const status = failure.action === 'reject' ? failure.status : 413;
          const refused = storeError('IOC_STORE_REJECTED', [String(batch.lines.length), String(status), (error as Error).message]);
          this.logger.error({ code: refused.code, firstLine: batch.lines[0] }, refused.message);
          this.recovered();
          this.counters.rejectedLines += batch.lines.length;
          this.settle(batch);
          return;
        }
        const delayMs = Math.max(failure.retryAfterMs, backoffDelay(attempt, this.retry));
        this.failing(error as Error, failure.misconfigured, attempt, delayMs);
        if (!(await this.sleep(delayMs))) return this.failBatch(batch);
      }
    }
  }

  private slice(batch: Batch, from: number, to: number): Batch {
    // Owners are settled by line counts: walk them to find who owns lines [from, to).
    const owners: Batch['owners'] = [];
    let position = 0;
    for (const owner of batch.owners) {
      const start = Math.max(from, position);
      const end = Math.min(to, position + owner.count);
      if (end > start) owners.push({ ticket: owner.ticket, count: end - start });
      position += owner.count;
    }
    return { lines: batch.lines.slice(from, to), owners };
  }

  /** Every line of a batch is settled exactly once: acknowledged, refused as invalid, or failed at close. */
  private settle(batch: Batch): void {
    this.sendingLines -= batch.lines.length;
    for (const { ticket, count } of batch.owners) {
      ticket.remaining -= count;
      if (ticket.remaining === 0 && !ticket.settled) {
        ticket.settled = true;
        ticket.resolve();
      }
    }
    this.afterProgress();
  }

  private failBatch(batch: Batch): void {
    this.sendingLines -= batch.lines.length;
    for (const { ticket } of batch.owners) this.fail(ticket);
    this.afterProgress();
  }

  private fail(ticket: Ticket): void {
    if (ticket.settled) return;
    ticket.settled = true;
    ticket.reject(storeError('IOC_SINK_CLOSED', [String(ticket.remaining)]));
  }

  private afterProgress(): void {
    if (this.backlog() <= this.maxBacklog / 2) this.drainWaiters.splice(0).forEach((wake) => wake());
    if (this.backlog() === 0 || (this.closing.signal.aborted && this.requests === 0)) this.idleWaiters.splice(0).forEach((wake) => wake());
  }

  private failing(error: Error, misconfigured: 'unauthorized' | 'bucket-not-found' | undefined, attempt: number, retryInMs: number): void {
    this.counters.retries++;
    const { org, bucket } = this.options;
    const reason =
      misconfigured === 'unauthorized'
        ? storeError('IOC_STORE_UNAUTHORIZED', [String((error as { statusCode?: number }).statusCode), org, bucket]).message
        : misconfigured === 'bucket-not-found'
          ? storeError('IOC_STORE_BUCKET_NOT_FOUND', [org, bucket]).message
          : undefined;
    if (this.counters.failingSince === undefined) {
      this.counters.failingSince = Date.now();
      this.logger.warn({ err: error, backlog: this.backlog(), retryInMs }, reason ?? 'time-series store write failed; retrying with back-off');
    } else if (reason !== undefined || attempt % 10 === 0) {
      this.logger.warn({ err: error, attempt, backlog: this.backlog(), retryInMs }, reason ?? 'time-series store still failing; retrying');
    }
  }

  private recovered(): void {
    if (this.counters.failingSince === undefined) return;
    this.logger.info({ downForMs: Date.now() - this.counters.failingSince, backlog: this.backlog() }, 'time-series store accepts writes again');
    this.counters.failingSince = undefined;
  }

  /** False when the sink closed during the wait. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
