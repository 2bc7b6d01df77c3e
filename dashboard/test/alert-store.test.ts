import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, resolveAlert } from '../../contracts/src/index.js';
import { AlertStore } from '../src/alerts/alert-store.js';
import { makeAlert } from './support/fixtures.js';

const T0 = 1_800_000_000_000;

describe('AlertStore', () => {
  it('keeps an acknowledgement when an older open snapshot arrives late, and reports no change for a repeat', () => {
    const store = new AlertStore();
    const open = makeAlert({ openedAt: T0 });
    const acknowledged = acknowledgeAlert(open, 'lan.nguyen', T0 + 1000, 'on it');
    expect(store.apply(open, T0)).toEqual(open);
    expect(store.apply(acknowledged, T0 + 1000)?.state).toBe('acknowledged');
    expect(store.apply(open, T0 + 2000)).toBeNull();
    expect(store.apply(acknowledged, T0 + 2000)).toBeNull();
    expect(store.get(open.id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'lan.nguyen' });
  });

  it('filters by state, newest first', () => {
    const store = new AlertStore();
    const a = makeAlert({ deviceId: 'a', openedAt: T0 });
    const b = makeAlert({ deviceId: 'b', openedAt: T0 + 10 });
    const c = acknowledgeAlert(makeAlert({ deviceId: 'c', openedAt: T0 + 5 }), 'x', T0 + 20, 'seen');
    [a, b, c].forEach((alert) => store.apply(alert, T0 + 20));
    expect(store.list('open', T0 + 20).map((x) => x.deviceId)).toEqual(['b', 'a']);
    expect(store.list('unresolved', T0 + 20).map((x) => x.deviceId)).toEqual(['b', 'c', 'a']);
    expect(store.list('acknowledged', T0 + 20).map((x) => x.deviceId)).toEqual(['c']);
  });

  it('forgets resolved alerts after the retention time and never lets a late copy reopen them', () => {
    const store = new AlertStore({ resolvedRetentionMs: 60_000 });
    const open = makeAlert({ openedAt: T0 });
    store.apply(open, T0);
    store.apply(resolveAlert(open, 'system', T0 + 1000), T0 + 1000);
    expect(store.list('resolved', T0 + 30_000)).toHaveLength(1);
    expect(store.list('resolved', T0 + 62_000)).toEqual([]);
    expect(store.apply(open, T0 + 70_000)).toBeNull();
    expect(store.list('unresolved', T0 + 70_000)).toEqual([]);
  });

  it('keeps at most maxResolved resolved alerts, dropping the longest-resolved first', () => {
    const store = new AlertStore({ maxResolved: 2 });
    for (const deviceId of ['d1', 'd2', 'd3']) {
      const open = makeAlert({ deviceId, openedAt: T0 });
      store.apply(open, T0);
      store.apply(resolveAlert(open, 'system', T0 + 1), T0 + 1);
    }
    expect(store.list('resolved', T0 + 2).map((a) => a.deviceId).sort()).toEqual(['d2', 'd3']);
  });
});
