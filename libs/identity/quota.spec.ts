import { Quota } from './quota';

describe('quota', () => {
  it('allows the limit per window and per key, then says how long until the next window', () => {
    const quota = new Quota(3, 900);
    for (let i = 0; i < 3; i++) expect(quota.take('a', 1000)).toBe(0);
    expect(quota.take('a', 1000)).toBe(900);
    expect(quota.take('a', 600_999)).toBe(301);
    expect(quota.take('b', 1000)).toBe(0);
    expect(quota.take('a', 901_000)).toBe(0);
  });

  it('takes every use when switched off (RATE_LIMITS=false)', () => {
    const off = new Quota(1, 60, false);
    expect([off.take('a'), off.take('a'), off.take('a')]).toEqual([0, 0, 0]);
  });
});
