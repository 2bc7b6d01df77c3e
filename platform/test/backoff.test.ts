import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';

const policy = { initialMs: 200, maxMs: 30_000 };

describe('back-off', () => {
  it('doubles the ceiling per attempt and waits between half of it and all of it', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(100);
    expect(backoffDelay(1, policy, () => 1)).toBe(200);
    expect(backoffDelay(4, policy, () => 0)).toBe(800);
    expect(backoffDelay(4, policy, () => 1)).toBe(1600);
  });

  it('never waits longer than the maximum', () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(30_000);
  });
});
