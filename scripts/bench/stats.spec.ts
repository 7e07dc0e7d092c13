import { endsP50, median, medianRatio, percentile, round } from './stats';

describe('benchmark statistics', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow('median of nothing');
  });

  it('answers nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([5, 1], 50)).toBe(1);
    expect(percentile([5, 1], 51)).toBe(5);
    expect(percentile([42], 1)).toBe(42);
  });

  it('refuses percentiles of nothing and outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow('percentile of nothing');
    expect(() => percentile([1], 0)).toThrow('(0, 100]');
    expect(() => percentile([1], 101)).toThrow('(0, 100]');
  });

  it('takes the median of per-round ratios, not the ratio of medians', () => {
    const rounds = [
      { a: 90, b: 100 },
      { a: 45, b: 50 },
      { a: 200, b: 100 },
    ];
    expect(
      medianRatio(
        rounds,
        (x) => x.a,
        (x) => x.b,
      ),
    ).toBe(0.9);
  });

  it('rounds to the given digits', () => {
    expect(round(0.8567, 3)).toBe(0.857);
    expect(round(1234.5, 0)).toBe(1235);
  });

  it('compares the p50 of the first and the last values of a series', () => {
    const growing = Array.from({ length: 1000 }, (_, i) => 100 + i / 10); // 100 .. 199.9
    expect(endsP50(growing, 100)).toEqual({
      window: 100,
      firstP50Ms: 104.9,
      lastP50Ms: 194.9,
      ratio: 1.86,
    });
    // Shorter than two windows: halves; one value is its own first and last.
    expect(endsP50([10, 20, 99, 30, 40], 100)).toMatchObject({ window: 2, ratio: 3 });
    expect(endsP50([7], 100)).toMatchObject({ window: 1, ratio: 1 });
  });
});
