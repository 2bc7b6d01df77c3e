import { platformError } from '../../errors.js';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusTopic, DeadLetter } from '../../../../contracts/src/index.js';
import type { BusRecord, DeliveredRecord } from '../bus.js';
import { decodeValue, encodeValue } from '../codec.js';

/** A bus record as a Kafka message: the value in the bus codec (codec.ts). */
export function encodeRecord<T extends BusTopic>(record: BusRecord<T>): Message {
  return { key: record.key, value: encodeValue(record.value), headers: record.headers };
}

/** Throws a SyntaxError when the value is not JSON; a null value (a compaction tombstone) yields null. */
export function decodeMessage<T extends BusTopic>(topic: T, partition: number, message: KafkaMessage): DeliveredRecord<T> | null {
  if (message.value === null) return null;
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? '',
    value: decodeValue<T>(message.value.toString('utf8')),
    headers: headersToStrings(message.headers),
  };
}

/** Kafka headers are bytes and may repeat; the bus contract has one string per name, the last one sent. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!headers) return result;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The dead letter for a record nobody can read, carrying its raw bytes so it can be inspected and replayed. */
export function unreadableRecord(topic: BusTopic, partition: number, message: KafkaMessage, why: string, now: number): DeadLetter {
  const where = `${topic}[${partition}]@${message.offset}`;
  const error = platformError('IOC_BUS_RECORD_NOT_JSON', [where, why]);
  const bytes = message.value ?? Buffer.alloc(0);
  let payload: string;
  let payloadEncoding: DeadLetter['payloadEncoding'] = 'utf8';
  try {
    payload = strictUtf8.decode(bytes);
  } catch {
    payload = bytes.toString('base64');
    payloadEncoding = 'base64';
  }
  return { source: 'bus', topic: where, receivedAt: now, code: error.code, reason: error.message, issues: [], payload, payloadEncoding };
}
