import { PoolShares } from './pool-shares';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PoolShares', () => {
  it('admits up to the limit, then hands each freed place to the first in line', async () => {
    const shares = new PoolShares(2, 10_000);
    const first = await shares.enter('a');
    const second = await shares.enter('a');
    const admitted: string[] = [];
    const admit = (name: string) =>
      shares.enter('a').then((leave) => {
        admitted.push(name);
        return leave;
      });
    const third = admit('third');
    const fourth = admit('fourth');
    // Another school is not behind a's queue.
    const other = await shares.enter('b');
    expect(shares.load('a')).toEqual({ active: 2, waiting: 2 });

    first();
    first(); // a second leave gives nothing back twice
    await tick();
    expect(admitted).toEqual(['third']);
    expect(shares.load('a')).toEqual({ active: 2, waiting: 1 });

    second();
    (await third)();
    (await fourth)();
    other();
    expect(shares.load('a')).toEqual({ active: 0, waiting: 0 });
    expect(shares.load('b')).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses a waiter whose time ran out, and passes over it when a place frees', async () => {
    const shares = new PoolShares(1, 50);
    const holder = await shares.enter('a');
    const late = shares.enter('a');
    await expect(late).rejects.toMatchObject({ status: 503, code: 'SCHOOL_BUSY' });
    expect(shares.load('a')).toEqual({ active: 1, waiting: 0 });

    const next = shares.enter('a');
    holder();
    (await next)();
    expect(shares.load('a')).toEqual({ active: 0, waiting: 0 });
  });

  it('reports each wait and how it ended, and the total waiting across schools', async () => {
    const waits: Array<[number, string]> = [];
    const shares = new PoolShares(1, 50, (seconds, outcome) => waits.push([seconds, outcome]));
    const holderA = await shares.enter('a');
    const holderB = await shares.enter('b');
    const timedOut = shares.enter('a');
    const admitted = shares.enter('b');
    expect(shares.waiting).toBe(2);
    await expect(timedOut).rejects.toMatchObject({ code: 'SCHOOL_BUSY' });
    expect(shares.waiting).toBe(1);
    holderB();
    (await admitted)();
    holderA();
    expect(shares.waiting).toBe(0);
    expect(waits.map(([, outcome]) => outcome)).toEqual(['timed_out', 'admitted']);
    expect(waits[0][0]).toBeGreaterThanOrEqual(0.04);
    // Entering without a wait is not a wait.
    (await shares.enter('c'))();
    expect(waits).toHaveLength(2);
  });
});
