import { type LoadFigures } from './harness';
import { median, medianRatio, round } from './stats';

export interface Comparison<N extends string> {
  rounds: Array<Record<N, LoadFigures>>;
  median: Record<N, LoadFigures>;
  /** Median of the per-round ratios of the first arm's throughput to the second's. */
  medianRatio: number;
  /** The same for p99 latency (the second arm's p99 floored at 1 ms). */
  medianP99Ratio: number;
}

/**
 * Two arms measured side by side: a warm-up of each, then rounds in ABBA order so a drift
 * in a noisy machine's speed falls on both alike.
 */
export async function compareAbba<N extends string>(
  arms: readonly [N, N],
  run: (arm: N, durationSeconds: number) => Promise<LoadFigures>,
  options: { rounds: number; durationSeconds: number; warmupSeconds?: number },
): Promise<Comparison<N>> {
  for (const arm of arms) await run(arm, options.warmupSeconds ?? 2);
  const rounds: Array<Record<N, LoadFigures>> = [];
  for (let r = 0; r < options.rounds; r++) {
    const order = r % 2 === 0 ? arms : [...arms].reverse();
    const figures = {} as Record<N, LoadFigures>;
    for (const arm of order) figures[arm] = await run(arm, options.durationSeconds);
    rounds.push(figures);
  }
  const summary = (arm: N): LoadFigures => ({
    requestsPerSecond: round(median(rounds.map((x) => x[arm].requestsPerSecond)), 0),
    p99Ms: median(rounds.map((x) => x[arm].p99Ms)),
  });
  const [first, second] = arms;
  return {
    rounds,
    median: { [first]: summary(first), [second]: summary(second) } as Record<N, LoadFigures>,
    medianRatio: round(
      medianRatio(
        rounds,
        (x) => x[first].requestsPerSecond,
        (x) => x[second].requestsPerSecond,
      ),
      3,
    ),
    medianP99Ratio: round(
      medianRatio(
        rounds,
        (x) => x[first].p99Ms,
        (x) => Math.max(1, x[second].p99Ms),
      ),
      2,
    ),
  };
}
