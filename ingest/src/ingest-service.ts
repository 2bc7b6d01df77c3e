import { ingestError } from './errors.js';
import { hostname } from 'node:os';
import { connect, type ErrorWithReasonCode } from 'mqtt';
import { MQTT_SUBSCRIPTIONS } from '../../contracts/src/index.js';
import type { BackoffPolicy } from '../../platform/src/index.js';
import type { Bus } from '../../platform/src/index.js';
import type { Logger } from '../../platform/src/index.js';
import { BusBatcher, type BatchOptions } from './batcher.js';
import { receiveWithLateAcks } from './late-ack.js';
import type { IngestMetrics } from './metrics.js';
import { READING_BOUNDS_DEFAULTS, normalizeMessage, type ReadingBounds } from './normalize.js';

export interface IngestOptions {
  mqttUrl: string;
  mqttOptions?: { username?: string; password?: string; clientId?: string };
  /**
   * Subscribe as `$share/<group>/...` so that several ingest instances split the messages
   * (Mosquitto, EMQX, HiveMQ). The embedded aedes broker has no shared subscriptions.
   */
  sharedGroup?: string;
  bus: Bus;
  logger: Logger;
  metrics: IngestMetrics;
  batch: BatchOptions;
  /** Backoff while the bus refuses a batch. */
  retry?: BackoffPolicy;
  /** Payload size and timestamp window taken at the door; READING_BOUNDS_DEFAULTS for what is left out. */
  bounds?: Partial<ReadingBounds>;
  /**
   * The time devices' clocks are expected to show, when it runs ahead of the wall clock (a city
   * simulated faster than real time): the accepted window then reaches that far ahead too.
   */
  deviceClock?: () => number;
}

export interface Ingest {
  /** Connected to the broker and subscribed: what /readyz reports. */
  ready(): boolean;
  /** Publishes and acknowledges what was taken in, then disconnects; the broker keeps the rest. Idempotent. */
  close(): Promise<void>;
}

/** A message that arrives while closing is not taken in: it stays with the broker for the next session. */
const STOP_READING = new Promise<void>(() => {});

/**
 * Subscribes to the devices' topics with QoS 1, normalizes every message and publishes it on the
 * bus: readings on ioc.telemetry, camera events on ioc.camera-events, refused messages on
 * ioc.deadletter. A message is acknowledged to the broker only once the bus holds it, and the
 * session is persistent (clean: false), so neither a bus outage nor an ingest crash loses one.
 * Resolves once subscribed; rejects if the broker refuses the login or the subscription.
 */
export async function createIngest(options: IngestOptions): Promise<Ingest> {
  const { logger, metrics } = options;
  const url = withoutCredentials(options.mqttUrl);
  const clientId = options.mqttOptions?.clientId ?? `ioc-ingest-${hostname()}`;
  const batcher = new BusBatcher(options);
  const client = connect(options.mqttUrl, {
    clientId,
    username: options.mqttOptions?.username,
    password: options.mqttOptions?.password,
    // MQTT 3.1.1: the embedded aedes broker speaks nothing newer, and QoS 1 needs nothing newer.
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    reconnectOnConnackError: true,
    manualConnect: true,
  });
  let subscribed = false;
  let closing = false;

  const boundsAt = readingBounds(options);
  receiveWithLateAcks(client, (packet, ack) => {
    if (closing) return STOP_READING;
    const { topic } = packet;
    metrics.messagesReceived.inc({ channel: channelOf(topic) });
    const receivedAt = Date.now();
    return batcher.add(normalizeMessage(topic, packet.payload as Buffer, receivedAt, boundsAt(receivedAt)), ack);
  });

  client.on('connect', (connack) => {
    metrics.mqttConnected.set(1);
    logger.info({ url, clientId, sessionPresent: connack.sessionPresent }, 'connected to the MQTT broker');
  });
  client.on('close', () => metrics.mqttConnected.set(0));
  client.on('offline', () => {
    if (!closing) logger.warn({ url }, 'MQTT broker unreachable; reconnecting');
  });

  const filters = MQTT_SUBSCRIPTIONS.map((filter) => (options.sharedGroup ? `$share/${options.sharedGroup}/${filter}` : filter));
  try {
    await firstConnection(client, url, logger);
    // mqtt.js rejects when the broker refuses any of the filters (SUBACK return code 0x80).
    await client.subscribeAsync(filters, { qos: 1 }).catch(() => {
      throw ingestError('IOC_MQTT_REFUSED', [url, `subscription to ${filters.join(', ')} refused`]);
    });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  subscribed = true;
  logger.info({ filters }, 'subscribed to device topics');

  let closed: Promise<void> | undefined;
  return {
    ready: () => subscribed && client.connected && !closing,
    close() {
      closing = true;
      closed ??= batcher
        .close()
        .then(() => client.endAsync())
        .then(() => void metrics.mqttConnected.set(0));
      return closed;
    },
  };
}

export type BrokerIngestOptions = Omit<IngestOptions, 'mqttUrl' | 'mqttOptions' | 'sharedGroup'>;

/** Ingest inside the embedded broker's process: the broker hands each device message to `accept`. */
export interface BrokerIngest extends Ingest {
  /** Normalizes the message and resolves once the bus holds it (or its dead letter); rejects while closing. */
  accept(topic: string, payload: Buffer): Promise<void>;
}

/**
 * Ingest for the embedded broker, in the same process. aedes acknowledges a QoS 1 PUBLISH as soon
 * as it reads it, so a subscriber behind it could only take the message afterwards: a crash lost
 * what the broker had acknowledged and the bus did not yet hold (a tenth of the readings
 * acknowledged in the last seconds before a SIGKILL, standalone/test/sigkill-under-load.test.ts).
 * Handed each message before the broker answers (EmbeddedBrokerOptions.handOver), ingest lets the
 * PUBACK go out only once the bus holds the message; on the embedded default that is once it is
 * fsynced in the bus log.
 */
export function createBrokerIngest(options: BrokerIngestOptions): BrokerIngest {
  const { metrics } = options;
  const batcher = new BusBatcher(options);
  const boundsAt = readingBounds(options);
  let closing = false;
  let closed: Promise<void> | undefined;
  metrics.mqttConnected.set(1);
  return {
    accept(topic, payload) {
      if (closing) return Promise.reject(ingestError('IOC_INGEST_STOPPING'));
      metrics.messagesReceived.inc({ channel: channelOf(topic) });
      const receivedAt = Date.now();
      return new Promise<void>((resolve) => void batcher.add(normalizeMessage(topic, payload, receivedAt, boundsAt(receivedAt)), resolve));
    },
    ready: () => !closing,
    close() {
      closing = true;
      closed ??= batcher.close().then(() => void metrics.mqttConnected.set(0));
      return closed;
    },
  };
}

/** The label of a message's channel; anything else ingest hears is `other`, so the label set stays small. */
function channelOf(topic: string): 'telemetry' | 'event' | 'other' {
  const channel = topic.slice(topic.lastIndexOf('/') + 1);
  return channel === 'telemetry' || channel === 'event' ? channel : 'other';
}

function readingBounds(options: BrokerIngestOptions): (receivedAt: number) => Readonly<ReadingBounds> {
  const bounds: Readonly<ReadingBounds> = { ...READING_BOUNDS_DEFAULTS, ...options.bounds };
  const { deviceClock } = options;
  if (!deviceClock) return () => bounds;
  return (receivedAt) => {
    const ahead = deviceClock() - receivedAt;
    return ahead > 0 ? { ...bounds, maxAheadMs: bounds.maxAheadMs + ahead } : bounds;
  };
}

/**
 * Waits for the first CONNACK. A refused login fails at once with what to fix; an unreachable
 * broker is retried, since in a deployment it may simply be starting.
 */
function firstConnection(client: ReturnType<typeof connect>, url: string, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      const code = (error as ErrorWithReasonCode).code;
      if (typeof code === 'number') {
        client.off('connect', onConnect);
        reject(ingestError('IOC_MQTT_REFUSED', [url, error.message], { cause: error }));
      } else {
        logger.warn({ url, err: error }, 'cannot reach the MQTT broker yet; retrying');
      }
    };
    const onConnect = () => {
      client.off('error', onError);
      client.on('error', (error) => logger.error({ url, err: error }, 'MQTT client error'));
      resolve();
    };
    client.on('error', onError);
    client.once('connect', onConnect);
    client.connect();
  });
}

/** Credentials never reach the logs, even when someone puts them in the URL. */
function withoutCredentials(raw: string): string {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  return url.toString();
}
