import { describe, expect, it } from 'vitest';
import { AlertTransitionError, acknowledgeAlert, isUnresolved, mergeAlert, resolveAlert, type Alert } from '../src/index.js';

const OPENED_AT = Date.UTC(2025, 5, 1, 3, 0, 0);

const opened: Alert = {
  id: 'a1b2c3d4e5f6a7b8c9d0',
  key: 'env-air-pm25|AQ-HK-01',
  ruleId: 'env-air-pm25',
  ruleVersion: 1,
  ruleType: 'threshold',
  domain: 'environment',
  deviceId: 'AQ-HK-01',
  siteId: 'AQ-HK-01',
  ward: 'Phường Hoàn Kiếm',
  metric: 'pm25',
  severity: 'warning',
  state: 'open',
  lastChange: 'opened',
  openedAt: OPENED_AT,
  updatedAt: OPENED_AT,
  value: 182,
  evidence: { warning: 150 },
  message: { vi: 'Bụi PM2.5 vượt ngưỡng', en: 'PM2.5 above the limit' },
};

describe('alert lifecycle', () => {
  it('goes open → acknowledged → resolved, keeping who did what and when', () => {
    const acknowledged = acknowledgeAlert(opened, 'operator.an', OPENED_AT + 60_000, 'crew dispatched');
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      lastChange: 'acknowledged',
      updatedAt: OPENED_AT + 60_000,
      acknowledgedAt: OPENED_AT + 60_000,
      acknowledgedBy: 'operator.an',
      acknowledgeComment: 'crew dispatched',
    });

    const resolved = resolveAlert(acknowledged, 'operator.binh', OPENED_AT + 120_000, 'source found');
    expect(resolved).toMatchObject({
      state: 'resolved',
      lastChange: 'resolved',
      resolvedAt: OPENED_AT + 120_000,
      resolvedBy: 'operator.binh',
      resolveComment: 'source found',
      acknowledgedBy: 'operator.an',
    });
    expect(isUnresolved(resolved)).toBe(false);
  });

  it('goes open → resolved when the value returns to normal', () => {
    const resolved = resolveAlert(opened, 'system', OPENED_AT + 300_000);
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'system', resolvedAt: OPENED_AT + 300_000 });
    expect(resolved).not.toHaveProperty('resolveComment');
    expect(resolved).not.toHaveProperty('acknowledgedAt');
  });

  it('refuses illegal transitions with an AlertTransitionError naming them', () => {
    const acknowledged = acknowledgeAlert(opened, 'operator.an', OPENED_AT + 1, '');
    const resolved = resolveAlert(opened, 'system', OPENED_AT + 2);

    expect(() => acknowledgeAlert(acknowledged, 'operator.binh', OPENED_AT + 3, '')).toThrow(AlertTransitionError);
    expect(() => acknowledgeAlert(resolved, 'operator.binh', OPENED_AT + 3, '')).toThrow('an alert that is resolved cannot be acknowledged');
    const error = (() => {
      try {
        resolveAlert(resolved, 'operator.binh', OPENED_AT + 3);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AlertTransitionError);
    expect(error).toMatchObject({ from: 'resolved', to: 'resolved' });
  });

  it('leaves the alert it was given unchanged', () => {
    const before = structuredClone(opened);
    acknowledgeAlert(opened, 'operator.an', OPENED_AT + 1, 'seen');
    resolveAlert(opened, 'system', OPENED_AT + 2);
    expect(opened).toEqual(before);
  });
});

describe('mergeAlert', () => {
  const acknowledged = acknowledgeAlert(opened, 'operator.an', OPENED_AT + 60_000, 'crew dispatched');
  const escalated: Alert = { ...opened, severity: 'critical', lastChange: 'escalated', updatedAt: OPENED_AT + 90_000, value: 260 };
  const resolved = resolveAlert(escalated, 'system', OPENED_AT + 600_000);

  it('is idempotent: folding a snapshot in twice changes nothing', () => {
    for (const snapshot of [opened, acknowledged, escalated, resolved]) {
      expect(mergeAlert(snapshot, snapshot)).toEqual(snapshot);
      const once = mergeAlert(acknowledged, snapshot);
      expect(mergeAlert(once, snapshot)).toEqual(once);
    }
  });

  it('is commutative: the order two snapshots arrive in does not matter', () => {
    const snapshots = [opened, acknowledged, escalated, resolved];
    for (const a of snapshots) for (const b of snapshots) expect(mergeAlert(a, b)).toEqual(mergeAlert(b, a));
  });

  it('keeps the acknowledgement when an older processor snapshot arrives after it', () => {
    const merged = mergeAlert(acknowledged, opened);
    expect(merged).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'operator.an', acknowledgeComment: 'crew dispatched' });
  });

  it('keeps the acknowledgement and takes the newer severity when the processor escalates concurrently', () => {
    const merged = mergeAlert(acknowledged, escalated);
    expect(merged).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'operator.an', severity: 'critical', value: 260, updatedAt: OPENED_AT + 90_000 });
  });

  it('never reopens a resolved alert, whatever arrives after the resolution', () => {
    const arrivals = [opened, acknowledged, escalated];
    let merged = resolved;
    for (const late of arrivals) merged = mergeAlert(merged, late);
    expect(merged).toMatchObject({ state: 'resolved', lastChange: 'resolved', resolvedBy: 'system', resolvedAt: OPENED_AT + 600_000, acknowledgedBy: 'operator.an' });
  });

  it('ends in the same alert whatever order all snapshots arrive in', () => {
    const orders = [
      [opened, acknowledged, escalated, resolved],
      [resolved, escalated, acknowledged, opened],
      [escalated, resolved, opened, acknowledged],
      [acknowledged, opened, resolved, escalated],
    ];
    const results = orders.map((order) => order.reduce<Alert | undefined>((current, snapshot) => mergeAlert(current, snapshot), undefined));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]).toMatchObject({ state: 'resolved', severity: 'critical', acknowledgedBy: 'operator.an', resolvedBy: 'system', openedAt: OPENED_AT });
  });
});
