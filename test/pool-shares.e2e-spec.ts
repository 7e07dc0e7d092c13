import { type School, SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
} from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` until it holds; fails after ten seconds. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); await sleep(10)) {
    if (Date.now() > deadline) throw new Error('gave up waiting');
  }
}

/** A small pool, so one school's share (2 of 4) is easy to fill; waits give up after 1.5 s. */
const SHARE = 2;

describe("each school's share of the database connections", () => {
  let t: TestApp;
  let transactions: TenantTransactions;

  beforeAll(async () => {
    t = await createTestApp({
      DB_POOL_SIZE: '4',
      DB_POOL_SCHOOL_SHARE: String(SHARE),
      DB_CONNECT_TIMEOUT_MS: '1500',
    });
    transactions = t.app.get(TenantTransactions);
  });
  afterAll(async () => {
    await t.close();
  });

  const schoolOf = async (registered: RegisteredSchool): Promise<School> =>
    (await t.app.get(SchoolDirectory).findByHost(registered.host))!;

  /**
   * `count` transactions of `school`, each holding its connection until `open()`. `started`
   * lists those that got a place and a connection, in the order their first query ended.
   */
  const holdUntilOpened = (school: School, count: number) => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const started: number[] = [];
    const done = Array.from({ length: count }, (_, i) =>
      transactions.run(school, async (manager) => {
        await manager.query('SELECT 1');
        started.push(i);
        await gate;
      }),
    );
    return {
      started,
      /** Lets them all finish and waits for them. */
      release: async () => {
        open();
        await Promise.allSettled(done);
      },
    };
  };

  it("serves another school at once while one school's requests queue for its share", async () => {
    const a = await schoolOf(await registerSchool(t.app));
    const b = await registerSchool(t.app);
    // Four transactions of A, each holding its connection until the test lets them go.
    const { started, release } = holdUntilOpened(a, 4);
    try {
      // Two of A's four hold a place; the other two wait in A's own queue, not the pool's.
      expect(transactions.shares.load(a.id)).toEqual({ active: SHARE, waiting: 2 });
      await until(() => started.length === SHARE);

      // Without the share A's four would hold all four connections and B would wait for the
      // gate: the race fails the test instead of hanging it.
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        t.app.inject({ url: '/api/school', headers: { host: b.host } }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('school B was not answered while A held its share')),
            10_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      expect(answer.statusCode).toBe(200);
      // The two holding places, whichever connection answered first (a school's home
      // connection may still be opening when a warm one answers).
      expect([...started].sort()).toEqual([0, 1]);
      expect(transactions.shares.load(a.id)).toEqual({ active: SHARE, waiting: 2 });
    } finally {
      await release();
    }
    // The two that waited got their places in order (the unit spec checks that); their
    // queries may finish in either order.
    expect([...started].sort()).toEqual([0, 1, 2, 3]);
    expect(transactions.shares.load(a.id)).toEqual({ active: 0, waiting: 0 });
  });

  it("lets a transaction opened inside the same school's take no second place", async () => {
    const a = await schoolOf(await registerSchool(t.app));
    // Each outer transaction holds a place and opens an inner one, as an access lookup inside
    // a handler does. Waiting for a second place would leave both outer ones stuck.
    const nested = () =>
      transactions.run(a, () =>
        transactions.run(a, async (manager) => {
          const [row] = await manager.query<Array<{ one: number }>>('SELECT 1 AS one');
          return row.one;
        }),
      );
    await expect(Promise.all([nested(), nested()])).resolves.toEqual([1, 1]);
  });

  it('refuses with 503 SCHOOL_BUSY once the wait for a place runs out, changing nothing', async () => {
    const registered = await registerSchool(t.app);
    const owner = await signIn(t.app, registered.host, registered.ownerUsername);
    const a = await schoolOf(registered);
    const settings = () => t.app.inject({ url: '/api/school', headers: { host: registered.host } });
    const before = (await settings()).json<{ displayName: string }>().displayName;
    const rename = (displayName: string) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/school',
        headers: { host: registered.host, ...owner.bearer },
        payload: { displayName },
      });
    // A first change fills the grants cache, so the refused one waits in the handler's own
    // transaction rather than in the permission check's lookup.
    expect((await rename(`${before} again`)).statusCode).toBe(200);

    const busy = holdUntilOpened(a, SHARE);
    let answer: Awaited<ReturnType<typeof rename>>;
    try {
      await until(() => busy.started.length === SHARE);
      answer = await rename('Renamed while busy');
    } finally {
      await busy.release();
    }

    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.json()).toEqual({
      error: { code: 'SCHOOL_BUSY', message: expect.any(String) },
      requestId: expect.any(String),
    });
    expect((await settings()).json<{ displayName: string }>().displayName).toBe(`${before} again`);
    expect(transactions.shares.load(a.id)).toEqual({ active: 0, waiting: 0 });
  });
});
