import { type Comparison } from './abba';
import { type LoadFigures } from './harness';
import { median, medianRatio, round } from './stats';

export interface Rotation<N extends string> {
  /** The order of the even rounds; odd rounds run it backwards. */
  order: readonly N[];
  rounds: Array<Record<N, LoadFigures>>;
}

/**
 * Many arms measured side by side: a warm-up of each, then rounds that run every arm, in
 * order and backwards in turn (ABBA for any number of arms), so a drift in a noisy machine's
 * speed falls on all of them alike. Any two arms compare by their per-round ratios.
 */
export async function rotate<N extends string>(
  order: readonly N[],
  run: (arm: N, durationSeconds: number) => Promise<LoadFigures>,
  options: { rounds: number; durationSeconds: number; warmupSeconds?: number },
): Promise<Rotation<N>> {
  for (const arm of order) await run(arm, options.warmupSeconds ?? 2);
  const rounds: Array<Record<N, LoadFigures>> = [];
  for (let r = 0; r < options.rounds; r++) {
    const figures = {} as Record<N, LoadFigures>;
    for (const arm of r % 2 === 0 ? order : [...order].reverse()) {
      figures[arm] = await run(arm, options.durationSeconds);
    }
    rounds.push(figures);
  }
  return { order, rounds };
}

/** An arm's median requests per second and p99 over the rounds. */
export function medianOf<N extends string>(rotation: Rotation<N>, arm: N): LoadFigures {
  return {
    requestsPerSecond: round(median(rotation.rounds.map((x) => x[arm].requestsPerSecond)), 0),
    p99Ms: median(rotation.rounds.map((x) => x[arm].p99Ms)),
  };
}

/**
 * Two arms of a rotation as a two-arm comparison under names of the caller's: the median of
 * the per-round throughput ratios (first over second), and of the p99 ratios (the second's
 * p99 floored at 1 ms), as `compareAbba` reports them.
 */
export function comparisonOf<N extends string, P extends string>(
  rotation: Rotation<N>,
  first: [P, N],
  second: [P, N],
): Comparison<P> {
  const [a, armA] = first;
  const [b, armB] = second;
  return {
    rounds: rotation.rounds.map((x) => ({ [a]: x[armA], [b]: x[armB] }) as Record<P, LoadFigures>),
    median: { [a]: medianOf(rotation, armA), [b]: medianOf(rotation, armB) } as Record<
      P,
      LoadFigures
    >,
    medianRatio: round(
      medianRatio(
        rotation.rounds,
        (x) => x[armA].requestsPerSecond,
        (x) => x[armB].requestsPerSecond,
      ),
      3,
    ),
    medianP99Ratio: round(
      medianRatio(
        rotation.rounds,
        (x) => x[armA].p99Ms,
        (x) => Math.max(1, x[armB].p99Ms),
      ),
      2,
    ),
  };
}
