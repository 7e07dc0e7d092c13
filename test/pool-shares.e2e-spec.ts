import { type School, SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
} from './support/test-app';

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

  /** Holds a connection of `school` for `seconds`, inside the school's own transaction. */
  const hold = (school: School, seconds: number) =>
    transactions.run(school, (manager) => manager.query('SELECT pg_sleep($1)', [seconds]));

  it("serves another school at once while one school's requests queue for its share", async () => {
    const a = await schoolOf(await registerSchool(t.app));
    const b = await registerSchool(t.app);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const started: number[] = [];
    // Four transactions of A, each holding its connection until the test opens the gate.
    const burst = [0, 1, 2, 3].map((i) =>
      transactions.run(a, async (manager) => {
        await manager.query('SELECT 1');
        started.push(i);
        await gate;
      }),
    );
    // Two of A's four hold a place; the other two wait in A's own queue, not the pool's.
    expect(transactions.shares.load(a.id)).toEqual({ active: SHARE, waiting: 2 });

    // Without the share A's four would hold all four connections and B would wait for the gate.
    const answer = await t.app.inject({ url: '/api/school', headers: { host: b.host } });
    expect(answer.statusCode).toBe(200);
    expect(started).toEqual([0, 1]);
    expect(transactions.shares.load(a.id)).toEqual({ active: SHARE, waiting: 2 });

    open();
    await Promise.all(burst);
    expect(started).toEqual([0, 1, 2, 3]);
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

    const held = [hold(a, 2.5), hold(a, 2.5)];
    const answer = await rename('Renamed while busy');
    await Promise.all(held);

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
