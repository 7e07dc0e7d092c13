import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst of the per-minute limit, then refuses with the wait for one more', () => {
    const buckets = new TokenBuckets();
    const start = 1_000_000;
    for (let i = 0; i < 60; i++) expect(buckets.take('a', 60, start).allowed).toBe(true);
    expect(buckets.take('a', 60, start)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // 60 a minute is one a second.
    expect(buckets.take('a', 60, start + 1_000).allowed).toBe(true);
    expect(buckets.take('a', 60, start + 1_000).allowed).toBe(false);
  });

  it('says how long to wait when the rate is slow', () => {
    const buckets = new TokenBuckets();
    expect(buckets.take('a', 2, 0).allowed).toBe(true);
    expect(buckets.take('a', 2, 0).allowed).toBe(true);
    expect(buckets.take('a', 2, 0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(buckets.take('a', 2, 15_000)).toEqual({ allowed: false, retryAfterSeconds: 15 });
  });

  it('counts over a longer period when asked (registrations per hour)', () => {
    const buckets = new TokenBuckets();
    const hour = 3_600_000;
    for (let i = 0; i < 10; i++) expect(buckets.take('a', 10, 0, hour).allowed).toBe(true);
    // Ten an hour is one every six minutes.
    expect(buckets.take('a', 10, 0, hour)).toEqual({ allowed: false, retryAfterSeconds: 360 });
    expect(buckets.take('a', 10, 360_000, hour).allowed).toBe(true);
  });

  it('keeps keys apart and never refills past the limit', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 3; i++) buckets.take('a', 3, 0);
    expect(buckets.take('a', 3, 0).allowed).toBe(false);
    expect(buckets.take('b', 3, 0).allowed).toBe(true);
    for (let i = 0; i < 3; i++) expect(buckets.take('b', 3, 3_600_000).allowed).toBe(true);
    expect(buckets.take('b', 3, 3_600_000).allowed).toBe(false);
  });

  it('gives a token back when a later check refused the request', () => {
    const buckets = new TokenBuckets();
    expect(buckets.take('a', 1, 0).allowed).toBe(true);
    buckets.giveBack('a', 1);
    expect(buckets.take('a', 1, 0).allowed).toBe(true);
  });

  it('forgets the least recently used key past its bound', () => {
    const buckets = new TokenBuckets(2);
    buckets.take('a', 1, 0);
    buckets.take('b', 1, 0);
    buckets.take('a', 1, 0);
    buckets.take('c', 1, 0);
    expect(buckets.size).toBe(2);
    // b went (least recently used); a is still empty.
    expect(buckets.take('a', 1, 0).allowed).toBe(false);
    expect(buckets.take('b', 1, 0).allowed).toBe(true);
  });
});
