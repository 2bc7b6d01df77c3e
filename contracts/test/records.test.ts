import { describe, expect, it } from 'vitest';
import { AlertSchema, AuditEntrySchema, CameraEventSchema, DeadLetterSchema, ReadingSchema, alertKey } from '../src/index.js';
import { describeIssues } from '../../platform/src/index.js';

function faults(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: any[] } } }, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : describeIssues(result.error!.issues).map((issue) => issue.path);
}

const reading = {
  deviceId: 'air-hoankiem-01',
  domain: 'environment',
  kind: 'air-station',
  siteId: 'air-hoankiem-01',
  ward: 'Phường Hoàn Kiếm',
  ts: 1_795_500_000_000,
  seq: 12,
  receivedAt: 1_795_500_000_050,
  metrics: { pm25: 182.4, noise: 71.5 },
};

const alert = {
  id: 'a1b2c3',
  key: alertKey('pm25-high', 'air-hoankiem-01'),
  ruleId: 'pm25-high',
  ruleVersion: 1,
  ruleType: 'threshold',
  domain: 'environment',
  deviceId: 'air-hoankiem-01',
  siteId: 'air-hoankiem-01',
  ward: 'Phường Hoàn Kiếm',
  metric: 'pm25',
  severity: 'critical',
  state: 'open',
  lastChange: 'opened',
  openedAt: 1_795_500_000_000,
  updatedAt: 1_795_500_000_000,
  value: 182.4,
  evidence: { warning: 150, critical: 250 },
  message: { vi: 'Bụi PM2.5 vượt ngưỡng', en: 'PM2.5 above the limit' },
};

describe('canonical records', () => {
  it('accepts a reading and refuses unknown metrics, non-finite values and missing places', () => {
    expect(faults(ReadingSchema, reading)).toEqual([]);
    expect(faults(ReadingSchema, { ...reading, metrics: { pm2_5: 1 } })).toEqual(['metrics']);
    expect(faults(ReadingSchema, { ...reading, metrics: { pm25: Number.POSITIVE_INFINITY } })).toEqual(['metrics.pm25']);
    expect(faults(ReadingSchema, { ...reading, ward: undefined })).toEqual(['ward']);
    expect(faults(ReadingSchema, { ...reading, seq: -1 })).toEqual(['seq']);
  });

  it('accepts a camera event and refuses a confidence outside 0..1', () => {
    const event = { ...reading, domain: 'traffic', kind: 'camera', metrics: undefined, eventId: 'e-1', eventType: 'intrusion', confidence: 0.92, count: 1 };
    delete (event as Record<string, unknown>).metrics;
    expect(faults(CameraEventSchema, event)).toEqual([]);
    expect(faults(CameraEventSchema, { ...event, confidence: 1.2 })).toEqual(['confidence']);
    expect(faults(CameraEventSchema, { ...event, eventType: 'fire' })).toEqual(['eventType']);
  });

  it('accepts an alert and refuses an unknown state or a missing message language', () => {
    expect(faults(AlertSchema, alert)).toEqual([]);
    expect(faults(AlertSchema, { ...alert, state: 'closed' })).toEqual(['state']);
    expect(faults(AlertSchema, { ...alert, message: { vi: 'chỉ tiếng Việt' } })).toEqual(['message.en']);
  });

  it('keeps the reason and raw payload of a dead letter, and who did what in an audit entry', () => {
    const deadLetter = {
      source: 'mqtt',
      topic: 'ioc/environment/s1/d1/telemetry',
      receivedAt: 1,
      code: 'IOC_INVALID_PAYLOAD',
      reason: 'values.ph: expected number',
      payload: '{"values":{"ph":"7"}}',
      payloadEncoding: 'utf8',
    };
    expect(DeadLetterSchema.parse(deadLetter).issues).toEqual([]);
    expect(faults(DeadLetterSchema, { ...deadLetter, reason: undefined })).toEqual(['reason']);
    expect(faults(AuditEntrySchema, { id: 'x', at: 1, actor: 'lan.nguyen', action: 'alert.acknowledge', target: 'a1b2c3', comment: 'đã xử lý' })).toEqual([]);
    expect(faults(AuditEntrySchema, { id: 'x', at: 1, actor: '', action: 'alert.delete', target: 'a1b2c3' })).toEqual(['actor', 'action']);
  });
});
