import { alertKey, type Alert, type Reading } from '../../../contracts/src/index.js';

/** An open alert as the processor publishes it; override what the test is about. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  const ruleId = overrides.ruleId ?? 'pm25-1h';
  const deviceId = overrides.deviceId ?? 'hk-air-01';
  const openedAt = overrides.openedAt ?? Date.now() - 60_000;
  return {
    id: `${ruleId}|${deviceId}|${openedAt}`,
    key: alertKey(ruleId, deviceId),
    ruleId,
    ruleVersion: 1,
    ruleType: 'threshold',
    domain: 'environment',
    deviceId,
    siteId: 'HN-AIR-HK01',
    ward: 'Phường Hoàn Kiếm',
    metric: 'pm25',
    severity: 'warning',
    state: 'open',
    lastChange: 'opened',
    openedAt,
    updatedAt: openedAt,
    value: 88.5,
    evidence: { warning: 50, critical: 150 },
    message: { vi: 'Bụi PM2.5 vượt ngưỡng cảnh báo', en: 'PM2.5 above the warning limit' },
    ...overrides,
  };
}

export function makeReading(overrides: Partial<Reading> = {}): Reading {
  const ts = overrides.ts ?? Date.now();
  return {
    deviceId: 'hk-air-01',
    domain: 'environment',
    kind: 'air-station',
    siteId: 'HN-AIR-HK01',
    ward: 'Phường Hoàn Kiếm',
    ts,
    seq: 1,
    receivedAt: ts,
    metrics: { pm25: 42.1, pm10: 60 },
    ...overrides,
  };
}
