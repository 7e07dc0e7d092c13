export interface BoundedCacheOptions {
  /** Past this many entries the oldest written is dropped: memory never grows with hostile keys. */
  maxEntries: number;
  /** How long an entry is trusted; 0 or less caches nothing. */
  ttlMs: number;
  /** The clock, for tests; Date.now otherwise. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * The in-process cache of every hot path that the database invalidates (school hosts, grants,
 * sessions). A hit costs one Map lookup and one time compare: expiry is checked on read, so
 * there is no timer per entry, and a hit does not reorder the Map (an LRU would write on
 * every read). Eviction is by age of writing, which the TTL bounds anyway.
 *
 * A value read from the database may be overtaken by a change announced while the read was
 * in flight; writing it afterwards would serve the old value until the TTL. So a loader takes
 * a `stamp()` before reading and passes it to `set`: if anything was forgotten since, the value
 * is returned to the caller but not kept. (Any forgetting counts, not only the key's: a
 * missed fill costs one more read, a stale one serves a revoked grant or session.)
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private forgettings = 0;

  constructor(options: BoundedCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new Error(`maxEntries must be a positive integer, not ${options.maxEntries}`);
    }
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, while it is fresh; undefined when absent or expired. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Take before reading what will be `set`: see the class comment. */
  stamp(): number {
    return this.forgettings;
  }

  /** Keeps `value` unless the TTL is 0 or something was forgotten since `stamp` was taken. */
  set(key: K, value: V, stamp?: number): void {
    if (this.ttlMs <= 0) return;
    if (stamp !== undefined && stamp !== this.forgettings) return;
    // Deleted first so a rewritten key moves to the young end and is not the next evicted.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.forgettings += 1;
    this.entries.delete(key);
  }

  /**
   * Forgets every entry `matches` picks. A scan of the whole cache: for invalidations by
   * something other than the key (a school's hosts, a user's sessions), which are rare next
   * to reads; an index per such attribute would cost every write.
   */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    this.forgettings += 1;
    for (const [key, entry] of this.entries) {
      if (matches(entry.value, key)) this.entries.delete(key);
    }
  }

  clear(): void {
    this.forgettings += 1;
    this.entries.clear();
  }
}
