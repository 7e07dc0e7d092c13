import { type Maybe, type SharedState } from '@schoolyard/rate-limits';
import { Throttle, type ThrottleRule, waitAfter } from './login-throttle';

/**
 * Counts one failure and sets the key's expiry again: failures are forgotten
 * `forgetAfterSeconds` after the LAST one, as in memory, and the time the key has left to live
 * tells when that last failure was.
 */
const COUNT_AND_REARM = `local failures = redis.call('incr', KEYS[1])
redis.call('expire', KEYS[1], ARGV[1])
return failures`;

/**
 * Its own command name on the shared connection. rate-limiter-flexible defines every
 * RateLimiterRedis's script under one name (`rlflxIncr`) on the client it is given, so a
 * counter built on it with its own script is silently switched to the library's default (which
 * keeps the first failure's expiry) as soon as a rate-limit bucket of a new size is made, and
 * the buckets' windows would slide if this script won instead. Nothing here shares that name.
 */
const COMMAND = 'syThrottleFail';

type ThrottleClient = NonNullable<SharedState['redis']> & {
  [COMMAND](key: string, forgetAfterSeconds: number): Promise<number>;
};

/**
 * A sign-in Throttle whose failures are shared by every instance through Redis when REDIS_URL
 * is set, so guesses spread over instances are slowed as if they came to one; without it, the
 * memory Throttle. While Redis does not answer, each instance counts in its own memory again
 * for the length of the outage.
 */
export class SharedThrottle {
  private readonly memory: Throttle;
  private readonly redis: ThrottleClient | undefined;
  private readonly keyPrefix: string;

  constructor(
    private readonly rule: ThrottleRule,
    name: string,
    state: SharedState,
  ) {
    this.memory = new Throttle(rule);
    this.keyPrefix = `sy:signin:${name}:`;
    if (state.redis === undefined) return;
    if (!(COMMAND in state.redis)) {
      state.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: COUNT_AND_REARM });
    }
    this.redis = state.redis as ThrottleClient;
  }

  /** Seconds to wait before `key` may try again (0: go ahead). */
  waitSeconds(key: string): Maybe<number> {
    if (this.redis === undefined) return this.memory.waitSeconds(key);
    const stored = this.keyPrefix + key;
    return this.redis
      .multi()
      .get(stored)
      .pttl(stored)
      .exec()
      .then(
        (replies) => {
          const [[countError, count], [ttlError, ttl]] = replies ?? [
            [null, null],
            [null, -2],
          ];
          if (countError || ttlError) return this.memory.waitSeconds(key);
          if (count === null || typeof ttl !== 'number' || ttl < 0) return 0;
          const sinceLast = this.rule.forgetAfterSeconds * 1000 - ttl;
          return waitAfter(this.rule, Number(count), sinceLast);
        },
        () => this.memory.waitSeconds(key),
      );
  }

  fail(key: string): Maybe<void> {
    if (this.redis === undefined) return this.memory.fail(key);
    return this.redis[COMMAND](this.keyPrefix + key, this.rule.forgetAfterSeconds).then(
      () => undefined,
      () => this.memory.fail(key),
    );
  }

  succeed(key: string): Maybe<void> {
    this.memory.succeed(key);
    if (this.redis === undefined) return;
    return this.redis.del(this.keyPrefix + key).then(
      () => undefined,
      () => undefined,
    );
  }
}
