/**
 * Token buckets by key: each holds up to a minute's allowance and refills continuously, so a
 * client may burst up to its limit and then goes on at limit/60 requests a second. Counting
 * lives in the process: the limits' store for one instance (without REDIS_URL), with no
 * round trip per request. With N instances and no Redis a key may get up to N times its limit;
 * SharedBuckets counts in Redis instead when it is configured.
 */
interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface Take {
  allowed: boolean;
  /** Whole seconds until one request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

const DEFAULT_MAX_KEYS = 100_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxKeys = DEFAULT_MAX_KEYS) {}

  /** `perMinute` requests a minute; with `periodMs`, that many per period instead (an hour). */
  take(key: string, perMinute: number, now = Date.now(), periodMs = 60_000): Take {
    const perMs = perMinute / periodMs;
    const bucket = this.refilled(key, perMinute, perMs, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
  }

  /** Gives back a token taken by `take`: the request was refused by a later check. */
  giveBack(key: string, perMinute: number): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(perMinute, bucket.tokens + 1);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, perMinute: number, perMs: number, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // Hostile clients (spoofed addresses, random hosts) must not grow memory without bound:
      // the least recently used bucket goes, and a forgotten bucket starts full.
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = { tokens: perMinute, updatedAt: now };
    } else {
      this.buckets.delete(key);
      const elapsed = Math.max(0, now - bucket.updatedAt);
      bucket.tokens = Math.min(perMinute, bucket.tokens + elapsed * perMs);
      bucket.updatedAt = now;
    }
    // Re-inserted: Map order is then least recently used first.
    this.buckets.set(key, bucket);
    return bucket;
  }
}
