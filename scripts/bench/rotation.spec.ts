import { comparisonOf, medianOf, rotate } from './rotation';

describe('rotation', () => {
  it('warms every arm up, then runs the order forwards and backwards in turn', async () => {
    const runs: string[] = [];
    const rotation = await rotate(
      ['a', 'b', 'c'],
      async (arm, seconds) => {
        runs.push(`${arm}${seconds}`);
        return { requestsPerSecond: 1, p99Ms: 1 };
      },
      { rounds: 3, durationSeconds: 3 },
    );
    expect(runs).toEqual(['a2', 'b2', 'c2', 'a3', 'b3', 'c3', 'c3', 'b3', 'a3', 'a3', 'b3', 'c3']);
    expect(rotation.rounds).toHaveLength(3);
  });

  it('compares two arms by the median of their per-round ratios, under the names given', () => {
    const figures = (a: number, b: number, p99: number) => ({
      a: { requestsPerSecond: a, p99Ms: p99 },
      b: { requestsPerSecond: b, p99Ms: 0.5 },
    });
    const rotation = {
      order: ['a', 'b'] as const,
      rounds: [figures(100, 200, 4), figures(300, 300, 2), figures(50, 200, 3)],
    };
    const compared = comparisonOf(rotation, ['tenant', 'a'], ['bypass', 'b']);
    expect(compared.medianRatio).toBe(0.5);
    // The second arm's p99 is floored at 1 ms.
    expect(compared.medianP99Ratio).toBe(3);
    expect(compared.median).toEqual({
      tenant: medianOf(rotation, 'a'),
      bypass: { requestsPerSecond: 200, p99Ms: 0.5 },
    });
    expect(compared.rounds[2]).toEqual({
      tenant: { requestsPerSecond: 50, p99Ms: 3 },
      bypass: { requestsPerSecond: 200, p99Ms: 0.5 },
    });
  });
});
