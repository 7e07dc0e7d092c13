/**
 * Failed sign-ins slow down the next attempt, by key: exponentially after a free allowance,
 * never longer than a cap, and forgotten after a quiet period. Nothing locks an account for
 * good: the worst an attacker achieves against a real user is a bounded wait.
 */
export interface ThrottleRule {
  /** Failures allowed before any wait. */
  free: number;
  /** The first wait, doubled at each further failure (1 s unless given). */
  firstWaitSeconds?: number;
  /** Longest wait, in seconds. */
  capSeconds: number;
  /** Failures older than this are forgotten. */
  forgetAfterSeconds: number;
}

interface Record {
  failures: number;
  lastFailureAt: number;
}

const MAX_KEYS = 100_000;

/** Seconds still to wait after `failures` failures, the last `sinceLastMs` ago (0: go ahead). */
export function waitAfter(rule: ThrottleRule, failures: number, sinceLastMs: number): number {
  if (failures < rule.free) return 0;
  const first = rule.firstWaitSeconds ?? 1;
  const wait = Math.min(first * 2 ** (failures - rule.free), rule.capSeconds);
  const left = wait * 1000 - sinceLastMs;
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

export class Throttle {
  private readonly records = new Map<string, Record>();

  constructor(private readonly rule: ThrottleRule) {}

  /** Seconds to wait before `key` may try again (0: go ahead). */
  waitSeconds(key: string, now = Date.now()): number {
    const record = this.current(key, now);
    return record ? waitAfter(this.rule, record.failures, now - record.lastFailureAt) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const record = this.current(key, now) ?? { failures: 0, lastFailureAt: now };
    record.failures += 1;
    record.lastFailureAt = now;
    this.records.delete(key);
    if (this.records.size >= MAX_KEYS) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    this.records.set(key, record);
  }

  succeed(key: string): void {
    this.records.delete(key);
  }

  private current(key: string, now: number): Record | undefined {
    const record = this.records.get(key);
    if (record && now - record.lastFailureAt > this.rule.forgetAfterSeconds * 1000) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }
}
