const MAX_KEYS = 100_000;

/**
 * At most `limit` uses per key in a window of `windowSeconds` (a fixed window from the key's
 * first use). In memory, per instance, bounded in keys like the sign-in throttle.
 */
export class Quota {
  private readonly windows = new Map<string, { uses: number; startedAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    /** False with RATE_LIMITS=false (benchmarks): every use is taken. */
    private readonly enabled = true,
  ) {}

  /** Takes one use: 0 when taken, else the seconds until the key's window starts again. */
  take(key: string, now = Date.now()): number {
    if (!this.enabled) return 0;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowSeconds * 1000) {
      window = { uses: 0, startedAt: now };
      this.windows.delete(key);
      if (this.windows.size >= MAX_KEYS) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      this.windows.set(key, window);
    }
    if (window.uses >= this.limit) {
      return Math.max(1, Math.ceil((window.startedAt + this.windowSeconds * 1000 - now) / 1000));
    }
    window.uses += 1;
    return 0;
  }
}
