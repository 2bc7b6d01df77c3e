/** How long to wait before retry number `attempt` (1 = the first retry). */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential back-off with jitter: the ceiling doubles per attempt up to `maxMs`, and the wait is
 * drawn from its upper half, so clients retrying the same outage do not hit a recovering server in step.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
