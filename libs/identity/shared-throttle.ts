import { type Maybe, type SharedState } from '@schoolyard/rate-limits';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { Throttle, type ThrottleRule, waitAfter } from './login-throttle';

/**
 * rate-limiter-flexible's counter, except that every failure sets the key's expiry again:
 * failures are forgotten `forgetAfterSeconds` after the LAST one, as in memory, and the time
 * left to live tells when that last failure was. (Its own script arms the expiry once, at the
 * first failure of a window.)
 */
const COUNT_AND_REARM = `local consumed = redis.call('incrby', KEYS[1], ARGV[1]) \
redis.call('expire', KEYS[1], ARGV[2]) \
return {consumed, 1000 * ARGV[2]}`;

/** Failures are counted, never refused by the counter itself: the rule decides the wait. */
const NEVER_REFUSE = 2 ** 31 - 1;

/**
 * A sign-in Throttle whose failures are shared by every instance through Redis when REDIS_URL
 * is set, so guesses spread over instances are slowed as if they came to one; without it, the
 * memory Throttle. While Redis does not answer each instance counts in memory again (the
 * insurance limiter), where a run of failures is forgotten from its first failure instead of
 * its last: a shorter memory for the length of an outage only.
 */
export class SharedThrottle {
  private readonly memory: Throttle;
  private readonly counter: RateLimiterRedis | undefined;

  constructor(
    private readonly rule: ThrottleRule,
    name: string,
    state: SharedState,
  ) {
    this.memory = new Throttle(rule);
    if (state.redis === undefined) return;
    const keyPrefix = `sy:signin:${name}`;
    const duration = rule.forgetAfterSeconds;
    this.counter = new RateLimiterRedis({
      storeClient: state.redis,
      keyPrefix,
      points: NEVER_REFUSE,
      duration,
      customIncrTtlLuaScript: COUNT_AND_REARM,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: NEVER_REFUSE, duration }),
    });
  }

  /** Seconds to wait before `key` may try again (0: go ahead). */
  waitSeconds(key: string): Maybe<number> {
    if (this.counter === undefined) return this.memory.waitSeconds(key);
    const forgetMs = this.rule.forgetAfterSeconds * 1000;
    return this.counter.get(key).then(
      (record) =>
        record === null
          ? 0
          : waitAfter(this.rule, record.consumedPoints, forgetMs - record.msBeforeNext),
      // Redis and the insurance both failed: an attempt is not refused for that.
      () => 0,
    );
  }

  fail(key: string): Maybe<void> {
    if (this.counter === undefined) return this.memory.fail(key);
    return this.counter.penalty(key, 1).then(
      () => undefined,
      () => undefined,
    );
  }

  succeed(key: string): Maybe<void> {
    if (this.counter === undefined) return this.memory.succeed(key);
    return this.counter.delete(key).then(
      () => undefined,
      () => undefined,
    );
  }
}
