import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { BusTopic } from '../../contracts/src/index.js';
import { InProcessBus, type BatchHandler, type Bus, type BusRecord, type ConsumeOptions, type DeliveredRecord, type Subscription } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import type { BrokerAccount } from '../src/embedded-broker.js';
import { createIngest, type Ingest } from '../src/ingest-service.js';
import { createIngestMetrics, type IngestMetrics } from '../src/metrics.js';

/** Publishes for every example device, as the simulated city's gateway account does. */
export const DEVICE_ACCOUNT: BrokerAccount = { username: 'device', password: 'device-secret', role: 'gateway' };
export const INGEST_ACCOUNT: BrokerAccount = { username: 'ingest', password: 'ingest-secret', role: 'ingest' };

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger whose lines the test can read. */
export function capturingLogger(level = 'warn'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * The in-process bus, counting publishes and refusing the next `failNext` of them: the bus is not
 * what these tests examine, its outage is.
 */
export class FlakyBus implements Bus {
  readonly inner = new InProcessBus();
  publishes = 0;
  failNext = 0;

  async publish<T extends BusTopic>(topic: T, records: BusRecord<T>[]): Promise<void> {
    this.publishes++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('bus unavailable (test)');
    }
    await this.inner.publish(topic, records);
  }

  consume<T extends BusTopic>(topic: T, options: ConsumeOptions, handler: BatchHandler<T>): Promise<Subscription> {
    return this.inner.consume(topic, options, handler);
  }

  readToEnd<T extends BusTopic>(topic: T, handler: BatchHandler<T>): Promise<void> {
    return this.inner.readToEnd(topic, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Everything published on `topic`, in order, as a consumer group sees it. */
export async function collect<T extends BusTopic>(bus: Bus, topic: T): Promise<DeliveredRecord<T>[]> {
  const records: DeliveredRecord<T>[] = [];
  await bus.consume(topic, { groupId: 'test', fromBeginning: true }, async (batch) => {
    records.push(...batch);
  });
  return records;
}

export interface StartedIngest {
  ingest: Ingest;
  metrics: IngestMetrics;
}

export interface IngestUnderTest {
  mqttUrl: string;
  bus: Bus;
  clientId: string;
  /** Defaults to the embedded broker's ingest account; `null` connects anonymously. */
  account?: BrokerAccount | null;
  sharedGroup?: string;
}

export async function startIngest(options: IngestUnderTest): Promise<StartedIngest> {
  const metrics = createIngestMetrics(new Registry());
  const account = options.account === undefined ? INGEST_ACCOUNT : options.account;
  const ingest = await createIngest({
    mqttUrl: options.mqttUrl,
    mqttOptions: { username: account?.username, password: account?.password, clientId: options.clientId },
    sharedGroup: options.sharedGroup,
    bus: options.bus,
    logger: silentLogger,
    metrics,
    batch: { maxMessages: 50, maxDelayMs: 5 },
    retry: { initialMs: 20, maxMs: 100 },
  });
  return { ingest, metrics };
}
