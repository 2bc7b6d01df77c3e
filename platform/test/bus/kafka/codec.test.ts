import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DeadLetterSchema } from '../../../../contracts/src/index.js';
import { decodeMessage, encodeRecord, headersToStrings, unreadableRecord } from '../../../src/bus/kafka/codec.js';

function message(value: Buffer | null, extra: Partial<KafkaMessage> = {}): KafkaMessage {
  return { key: Buffer.from('air-1'), value, timestamp: '1795000000000', attributes: 0, offset: '42', headers: {}, ...extra } as KafkaMessage;
}

const audit = { id: 'a1', at: 1, actor: 'lan', action: 'alert.acknowledge', target: 'alert-1' } as const;

describe('bus records on Kafka', () => {
  it('round-trips key, value and headers through JSON', () => {
    const encoded = encodeRecord<'ioc.audit'>({ key: 'alert-1', value: audit, headers: { 'ioc-trace': 't1' } });
    const decoded = decodeMessage('ioc.audit', 3, message(Buffer.from(encoded.value as string), { key: Buffer.from('alert-1'), headers: { 'ioc-trace': Buffer.from('t1') } }));
    expect(decoded).toEqual({ topic: 'ioc.audit', partition: 3, offset: '42', timestamp: 1795000000000, key: 'alert-1', value: audit, headers: { 'ioc-trace': 't1' } });
  });

  it('gives one string per header name, the last one sent when a name repeats', () => {
    expect(headersToStrings({ a: Buffer.from('x'), b: [Buffer.from('1'), Buffer.from('2')], c: 'plain', d: undefined })).toEqual({ a: 'x', b: '2', c: 'plain' });
  });

  it('treats a compaction tombstone (null value) as no record', () => {
    expect(decodeMessage('ioc.rules', 0, message(null))).toBeNull();
  });

  it('refuses a value that is not JSON', () => {
    expect(() => decodeMessage('ioc.telemetry', 0, message(Buffer.from('{"deviceId":')))).toThrow(SyntaxError);
  });

  it('turns an unreadable record into a dead letter that names where it was and keeps its bytes', () => {
    const letter = unreadableRecord('ioc.telemetry', 5, message(Buffer.from('not json')), 'Unexpected token', 1795000000000);
    expect(DeadLetterSchema.parse(letter)).toEqual(letter);
    expect(letter).toMatchObject({ source: 'bus', topic: 'ioc.telemetry[5]@42', code: 'IOC_BUS_RECORD_NOT_JSON', payload: 'not json', payloadEncoding: 'utf8' });
    expect(letter.reason).toContain('ioc.deadletter');
  });

  it('keeps bytes that are not UTF-8 as base64', () => {
    const letter = unreadableRecord('ioc.telemetry', 0, message(Buffer.from([0xff, 0xfe, 0x00])), 'bad', 0);
    expect(letter).toMatchObject({ payload: '//4A', payloadEncoding: 'base64' });
  });
});
