export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  if (!(p > 0 && p <= 100)) throw new Error('p must be in (0, 100]');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1];
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The median of per-round ratios a / b: a drift in the machine's speed falls on both sides. */
export function medianRatio<R>(rounds: R[], a: (round: R) => number, b: (round: R) => number) {
  return median(rounds.map((x) => a(x) / b(x)));
}

/**
 * p50 of the first and of the last `window` values of a series, and last over first: whether
 * something grows with what came before it. A series shorter than two windows is halved.
 */
export function endsP50(values: number[], window: number) {
  const size = Math.max(1, Math.min(window, Math.floor(values.length / 2)));
  const first = percentile(values.slice(0, size), 50);
  const last = percentile(values.slice(-size), 50);
  return {
    window: size,
    firstP50Ms: round(first, 1),
    lastP50Ms: round(last, 1),
    ratio: round(last / first, 2),
  };
}
