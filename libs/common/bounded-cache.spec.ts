import { BoundedCache } from './bounded-cache';

/** A cache on a clock the test moves. */
function cacheAt(maxEntries: number, ttlMs: number) {
  const clock = { now: 1_000 };
  const cache = new BoundedCache<string, string | null>({
    maxEntries,
    ttlMs,
    now: () => clock.now,
  });
  return { cache, clock };
}

describe('BoundedCache', () => {
  it('answers a value until its TTL has passed, then forgets it', () => {
    const { cache, clock } = cacheAt(10, 100);
    cache.set('a', 'A');
    clock.now += 99;
    expect(cache.get('a')).toBe('A');
    clock.now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps null as a value, apart from absence', () => {
    const { cache } = cacheAt(10, 100);
    cache.set('unknown host', null);
    expect(cache.get('unknown host')).toBeNull();
    expect(cache.get('never asked')).toBeUndefined();
  });

  it('caches nothing with a TTL of 0', () => {
    const { cache } = cacheAt(10, 0);
    cache.set('a', 'A');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the entry written longest ago past its size, whatever was read since', () => {
    const { cache } = cacheAt(2, 1_000);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'B', 'C']);
    expect(cache.size).toBe(2);
  });

  it('counts a rewritten key as young', () => {
    const { cache } = cacheAt(2, 1_000);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('a', 'A2');
    cache.set('c', 'C');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A2', undefined, 'C']);
  });

  it('renews the TTL of a rewritten key', () => {
    const { cache, clock } = cacheAt(10, 100);
    cache.set('a', 'A');
    clock.now += 60;
    cache.set('a', 'A');
    clock.now += 60;
    expect(cache.get('a')).toBe('A');
  });

  it('forgets one key, the keys a predicate picks, or everything', () => {
    const { cache } = cacheAt(10, 1_000);
    for (const key of ['a1', 'a2', 'b1', 'b2']) cache.set(key, key.toUpperCase());
    cache.delete('a1');
    expect(cache.get('a1')).toBeUndefined();
    cache.deleteWhere((value, key) => key.startsWith('b') && value === 'B2');
    expect([cache.get('a2'), cache.get('b1'), cache.get('b2')]).toEqual(['A2', 'B1', undefined]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  describe('a value read while something was forgotten', () => {
    it.each([
      ['delete', (cache: BoundedCache<string, string | null>) => cache.delete('other')],
      [
        'deleteWhere',
        (cache: BoundedCache<string, string | null>) => cache.deleteWhere(() => false),
      ],
      ['clear', (cache: BoundedCache<string, string | null>) => cache.clear()],
    ])('is not kept after %s', (_name, forget) => {
      const { cache } = cacheAt(10, 1_000);
      const stamp = cache.stamp();
      forget(cache);
      cache.set('a', 'stale', stamp);
      expect(cache.get('a')).toBeUndefined();
    });

    it('is kept when nothing was forgotten since its stamp', () => {
      const { cache } = cacheAt(10, 1_000);
      cache.clear();
      const stamp = cache.stamp();
      cache.set('b', 'B');
      cache.set('a', 'fresh', stamp);
      expect(cache.get('a')).toBe('fresh');
    });
  });

  it('refuses a size that would cache nothing or everything', () => {
    expect(() => new BoundedCache({ maxEntries: 0, ttlMs: 1 })).toThrow(/maxEntries/);
    expect(() => new BoundedCache({ maxEntries: Infinity, ttlMs: 1 })).toThrow(/maxEntries/);
  });
});
