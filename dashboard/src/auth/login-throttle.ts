export interface LoginThrottleOptions {
  /** Failures allowed within `windowMs` before the username+address pair is locked out. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  /** Pairs remembered at most; the oldest are forgotten first, so an attacker cannot exhaust memory. */
  maxEntries: number;
}

interface Entry {
  failures: number;
  firstFailureAt: number;
  lockedUntil: number;
}

/** Slows password guessing: after a few failures for one username from one address, refuse for a while. */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly options: LoginThrottleOptions;

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.options = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxEntries: 10_000, ...options };
  }

  /** Milliseconds until this pair may try again; 0 when it may try now. */
  retryAfter(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry && entry.lockedUntil > now ? entry.lockedUntil - now : 0;
  }

  recordFailure(key: string, now: number): void {
    let entry = this.entries.get(key);
    if (!entry || now - entry.firstFailureAt > this.options.windowMs) entry = { failures: 0, firstFailureAt: now, lockedUntil: 0 };
    entry.failures += 1;
    if (entry.failures >= this.options.maxFailures) entry.lockedUntil = now + this.options.lockMs;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }
}
