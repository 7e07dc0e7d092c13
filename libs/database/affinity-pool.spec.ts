import { EventEmitter } from 'node:events';
import { type PoolClient } from 'pg';
import {
  AffinityPool,
  type AffinityPoolOptions,
  homeSlot,
  type PoolableClient,
} from './affinity-pool';

/** A connection that opens at once (or fails, or hangs) and remembers being closed. */
class FakeClient extends EventEmitter implements PoolableClient {
  static made: FakeClient[] = [];
  static next: 'open' | 'fail' | 'hang' = 'open';
  readonly id = FakeClient.made.length;
  ended = false;
  _queryable = true;
  _ending = false;

  constructor() {
    super();
    FakeClient.made.push(this);
  }

  connect(): Promise<unknown> {
    if (FakeClient.next === 'fail') return Promise.reject(new Error('connect ECONNREFUSED'));
    if (FakeClient.next === 'hang') {
      // pg gives up after its own connect timeout.
      return new Promise((_, fail) => setTimeout(() => fail(new Error('timeout expired')), 100));
    }
    return Promise.resolve();
  }

  end(): Promise<unknown> {
    this.ended = true;
    this._ending = true;
    return Promise.resolve();
  }
}

const idOf = (client: PoolClient) => (client as unknown as FakeClient).id;

function poolOf(options: AffinityPoolOptions = {}): AffinityPool {
  const pool = new AffinityPool({ max: 4, ...options }, FakeClient);
  pool.on('error', () => undefined);
  return pool;
}

/** Keys whose home is each slot of a pool of `slots`, `perSlot` of each. */
function keysBySlot(slots: number, perSlot = 2): string[][] {
  const found: string[][] = Array.from({ length: slots }, () => []);
  for (let i = 0; found.some((keys) => keys.length < perSlot); i++) {
    const key = `school_${i}`;
    const home = homeSlot(key, slots);
    if (found[home].length < perSlot) found[home].push(key);
  }
  return found;
}

const settle = () => new Promise((done) => setImmediate(done));

beforeEach(() => {
  FakeClient.made = [];
  FakeClient.next = 'open';
});

describe('homeSlot', () => {
  it('is stable and spreads schools evenly over the slots', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[homeSlot(`school_${i}`, 10)]++;
    for (const count of counts) expect(count).toBeGreaterThan(850);
    for (const count of counts) expect(count).toBeLessThan(1150);
    expect(homeSlot('school_42', 10)).toBe(homeSlot('school_42', 10));
  });

  it('moves only the schools of a slot that is added', () => {
    let moved = 0;
    for (let i = 0; i < 10_000; i++) {
      const before = homeSlot(`school_${i}`, 10);
      const after = homeSlot(`school_${i}`, 11);
      if (after !== before) {
        expect(after).toBe(10);
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(500);
    expect(moved).toBeLessThan(1400);
  });
});

describe('AffinityPool', () => {
  it("opens each school's home and brings its transactions back to it", async () => {
    const pool = poolOf();
    const [[a], [b]] = keysBySlot(4);
    const first = await pool.acquire(a);
    const other = await pool.acquire(b);
    expect(idOf(other)).not.toBe(idOf(first));
    first.release();
    other.release();
    for (let i = 0; i < 5; i++) {
      const again = await pool.acquire(a);
      expect(idOf(again)).toBe(idOf(first));
      again.release();
      const theirs = await pool.acquire(b);
      expect(idOf(theirs)).toBe(idOf(other));
      theirs.release();
    }
    expect(pool.servedBySlot()[homeSlot(a, 4)]).toEqual(new Set([a]));
    await pool.end();
  });

  it('spills to an idle connection rather than wait for a busy home, and opens the home', async () => {
    const pool = poolOf({ max: 2 });
    const [[a1, a2], [b]] = keysBySlot(2);
    const held = await pool.acquire(a1);
    held.release();
    const busy = await pool.acquire(a1);
    // b's home is empty: b is served by a1's connection only if it is idle; here it is busy,
    // so b's home is opened for it.
    const theirs = await pool.acquire(b);
    expect(idOf(theirs)).not.toBe(idOf(busy));
    theirs.release();
    // a2 shares a1's home, which is busy: it takes b's idle connection at once.
    const spilled = await pool.acquire(a2);
    expect(idOf(spilled)).toBe(idOf(theirs));
    spilled.release();
    busy.release();
    // Both connections have served a2 now; it prefers them over no other.
    expect(pool.totalCount).toBe(2);
    await pool.end();
  });

  it('waits a moment for a busy home before it spills, when told to', async () => {
    const pool = poolOf({ max: 2, spillAfterMillis: 100 });
    const [[a1, a2, a3], [b]] = keysBySlot(2, 3);
    const home = await pool.acquire(a1);
    const other = await pool.acquire(b);
    other.release();
    // a2's home is busy and b's connection idle: a2 waits for its home, which frees first.
    const waiting = pool.acquire(a2);
    await settle();
    expect(pool.waitingCount).toBe(1);
    home.release();
    expect(idOf(await waiting)).toBe(idOf(home));
    // a3 finds its home busy again; after the wait it takes b's idle connection.
    const started = Date.now();
    const spilled = await pool.acquire(a3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(idOf(spilled)).toBe(idOf(other));
    // Work with no school never waits while a connection is idle; b's own never waits for a3.
    spilled.release();
    const platform = await pool.acquire();
    expect(idOf(platform)).toBe(idOf(other));
    platform.release();
    (await waiting).release();
    await pool.end();
  });

  it('does not wait for a home its own school holds: a transaction inside another spills at once', async () => {
    const pool = poolOf({ max: 2, spillAfterMillis: 10_000 });
    const [[a1, a2], [b]] = keysBySlot(2);
    const other = await pool.acquire(b);
    other.release();
    const outer = await pool.acquire(a1);
    const inner = await pool.acquire(a1);
    expect(idOf(inner)).toBe(idOf(other));
    inner.release();
    // Another school of the same home still waits for it.
    const waiting = pool.acquire(a2);
    await settle();
    expect(pool.waitingCount).toBe(1);
    outer.release();
    expect(idOf(await waiting)).toBe(idOf(outer));
    (await waiting).release();
    await pool.end();
  });

  it('hands a freed connection to the oldest waiter it is home to, not the oldest', async () => {
    const pool = poolOf({ max: 2 });
    const [[a1, a2], [b1, b2]] = keysBySlot(2);
    const onA = await pool.acquire(a1);
    const onB = await pool.acquire(b1);
    const order: string[] = [];
    const waitB = pool.acquire(b2).then((client) => (order.push('b2'), client));
    const waitA = pool.acquire(a2).then((client) => (order.push('a2'), client));
    await settle();
    expect(pool.waitingCount).toBe(2);
    onA.release();
    const gotA = await waitA;
    expect(idOf(gotA)).toBe(idOf(onA));
    expect(order).toEqual(['a2']);
    onB.release();
    expect(idOf(await waitB)).toBe(idOf(onB));
    gotA.release();
    (await waitB).release();
    await pool.end();
  });

  it('passes the oldest waiter over at most once per slot, then serves it', async () => {
    const pool = poolOf({ max: 2 });
    const [[a1, ...aRest], [b]] = keysBySlot(2, 6);
    const onA = await pool.acquire(a1);
    const onB = await pool.acquire(b);
    let served = false;
    const starving = pool.acquire(aRest[0]).then((client) => ((served = true), client));
    // Newer waiters whose home is b's slot keep arriving as b's connection frees.
    let current = onB;
    for (let round = 0; round < 2; round++) {
      const next = pool.acquire(b);
      await settle();
      current.release();
      current = await next;
      expect(served).toBe(false);
    }
    const next = pool.acquire(b);
    await settle();
    current.release();
    const oldest = await starving;
    expect(served).toBe(true);
    expect(idOf(oldest)).toBe(idOf(onB));
    oldest.release();
    onA.release();
    (await next).release();
    await pool.end();
  });

  it('lets work with no school take a connection no waiting school calls home', async () => {
    const pool = poolOf({ max: 2 });
    const [[a1, a2], [b]] = keysBySlot(2);
    const onA = await pool.acquire(a1);
    const onB = await pool.acquire(b);
    const school = pool.acquire(a2);
    const platform = pool.acquire();
    await settle();
    onB.release();
    // a2 is older, but b's connection is neither its home nor warm for it.
    expect(idOf(await platform)).toBe(idOf(onB));
    onA.release();
    expect(idOf(await school)).toBe(idOf(onA));
    (await platform).release();
    (await school).release();
    expect(pool.servedBySlot()[homeSlot(a1, 2)]).toEqual(new Set([a1, a2]));
    await pool.end();
  });

  it('replaces a connection once it has served its number of schools', async () => {
    const pool = poolOf({ max: 1, maxKeysPerConnection: 2 });
    const [[a, b, c]] = keysBySlot(1, 3);
    const first = await pool.acquire(a);
    first.release();
    const second = await pool.acquire(b);
    expect(idOf(second)).toBe(idOf(first));
    second.release();
    expect(FakeClient.made[0].ended).toBe(true);
    const third = await pool.acquire(c);
    expect(idOf(third)).not.toBe(idOf(first));
    expect(pool.servedBySlot()[0]).toEqual(new Set([c]));
    third.release();
    await pool.end();
  });

  it('replaces a connection after its uses, and one released with an error or broken', async () => {
    const pool = poolOf({ max: 1, maxUses: 2 });
    const [[a]] = keysBySlot(1);
    const used = [await pool.acquire(a)];
    used[0].release();
    used.push(await pool.acquire(a));
    used[1].release();
    const fresh = await pool.acquire(a);
    expect(idOf(fresh)).not.toBe(idOf(used[0]));
    fresh.release(new Error('rollback failed'));
    const next = await pool.acquire(a);
    expect(idOf(next)).not.toBe(idOf(fresh));
    (next as unknown as FakeClient)._queryable = false;
    next.release();
    const last = await pool.acquire(a);
    expect(idOf(last)).not.toBe(idOf(next));
    expect(() => next.release()).toThrow(/already been released/);
    last.release();
    await pool.end();
  });

  it('drops an idle connection that breaks, and tells its error listeners', async () => {
    const pool = poolOf({ max: 1 });
    const errors: Error[] = [];
    pool.on('error', (error: Error) => errors.push(error));
    const client = await pool.acquire('school_x');
    client.release();
    (client as unknown as FakeClient).emit('error', new Error('terminating connection'));
    expect(errors.map((error) => error.message)).toEqual(['terminating connection']);
    expect(pool.totalCount).toBe(0);
    const next = await pool.acquire('school_x');
    expect(idOf(next)).not.toBe(idOf(client));
    next.release();
    await pool.end();
  });

  it('refuses after the connect timeout, and passes a failure to connect on', async () => {
    const pool = poolOf({ max: 1, connectionTimeoutMillis: 50 });
    const held = await pool.acquire('school_x');
    await expect(pool.acquire('school_y')).rejects.toThrow(
      'timeout exceeded when trying to connect',
    );
    held.release(new Error('gone'));
    FakeClient.next = 'fail';
    await expect(pool.acquire('school_y')).rejects.toThrow('ECONNREFUSED');
    FakeClient.next = 'hang';
    await expect(pool.acquire('school_y')).rejects.toThrow('timeout exceeded');
    await pool.end();
  });

  it('serves keyless callers the pg-pool way', async () => {
    const pool = poolOf({ max: 1 });
    const client = await pool.connect();
    client.release();
    await new Promise<void>((done, fail) =>
      pool.connect((error, again, release) => {
        if (error || !again || !release) return fail(error);
        expect(idOf(again)).toBe(idOf(client));
        release();
        done();
      }),
    );
    expect(pool.idleCount).toBe(1);
    expect(pool._clients).toHaveLength(1);
    await pool.end();
  });

  it('ends: closes idle connections at once, busy ones as they come back, refuses waiters', async () => {
    const pool = poolOf({ max: 2 });
    const [[a1, a2], [b]] = keysBySlot(2);
    const idle = await pool.acquire(b);
    idle.release();
    const busy = await pool.acquire(a1);
    const spilled = await pool.acquire(a2);
    const waiting = pool.acquire(a1);
    let ended = false;
    const ending = pool.end().then(() => (ended = true));
    await expect(waiting).rejects.toThrow(/after calling end/);
    await settle();
    expect(ended).toBe(false);
    busy.release();
    spilled.release();
    await ending;
    expect(FakeClient.made.every((client) => client.ended)).toBe(true);
    await expect(pool.acquire(a1)).rejects.toThrow(/after calling end/);
  });
});
