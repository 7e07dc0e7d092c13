import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { type SharedState } from './shared-state';
import { type Take, TokenBuckets } from './token-buckets';

/** A value now (memory) or later (Redis): the memory path must not pay for a promise. */
export type Maybe<T> = T | Promise<T>;

/** Applies `next` to `value` at once when it is not a promise. */
export function then<T, R>(value: Maybe<T>, next: (value: T) => Maybe<R>): Maybe<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * Allowances by key, of `limit` requests per period. Without Redis they are the token buckets
 * of this instance's memory, answered synchronously. With Redis they are rate-limiter-flexible
 * counters shared by every instance: `limit` points per fixed window of one period, each
 * instance falling back to a memory counter of its own (the insurance limiter) while Redis
 * does not answer. The two differ at the edge of a window (see docs/SHARED-LIMITS.md): a
 * fixed window lets a client spend a period's allowance just before the window turns and
 * another just after, where a bucket refills gradually.
 */
export class SharedBuckets {
  private readonly memory = new TokenBuckets();
  /** One limiter per (limit, period): plans are few, so this stays small. */
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  /** `name` keeps this set of allowances apart from the others in Redis. */
  constructor(
    private readonly name: string,
    private readonly state: SharedState,
  ) {}

  /** `now` is for memory only (tests move time); Redis counts in its own time. */
  take(key: string, limit: number, periodMs = 60_000, now = Date.now()): Maybe<Take> {
    if (this.state.redis === undefined) return this.memory.take(key, limit, now, periodMs);
    return this.limiter(limit, periodMs)
      .consume(key)
      .then(
        () => ({ allowed: true, retryAfterSeconds: 0 }),
        (refusal: unknown) => {
          // Only a RateLimiterRes is a refusal; anything else is a failure of Redis and of the
          // insurance limiter both, which must not turn every request away.
          if (!(refusal instanceof RateLimiterRes)) return { allowed: true, retryAfterSeconds: 0 };
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
          };
        },
      );
  }

  /** Gives back a token taken by `take`: the request was refused by a later check. */
  giveBack(key: string, limit: number, periodMs = 60_000): Maybe<void> {
    if (this.state.redis === undefined) return this.memory.giveBack(key, limit);
    return this.limiter(limit, periodMs)
      .reward(key, 1)
      .then(
        () => undefined,
        () => undefined,
      );
  }

  private limiter(limit: number, periodMs: number): RateLimiterAbstract {
    const id = `${limit}/${periodMs}`;
    let limiter = this.limiters.get(id);
    if (limiter === undefined) {
      const duration = Math.max(1, Math.round(periodMs / 1000));
      // The counter's key does not hold the limit: a school whose plan changes keeps what it
      // has spent in the current window.
      const keyPrefix = `sy:rl:${this.name}:${duration}`;
      limiter = new RateLimiterRedis({
        storeClient: this.state.redis,
        keyPrefix,
        points: limit,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: limit, duration }),
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
