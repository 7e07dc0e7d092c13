import { type School, SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { createTestApp, registerSchool, type TestApp } from './support/test-app';

/**
 * The request pool keeps each school on connections that served it (AffinityPool): on a real
 * database, a school comes back to its backend, two schools never share a transaction or a
 * connection at once, and a connection that moves from one school to another starts clean.
 */

interface Seen {
  pid: number;
  tx: string;
  who: string;
  path: string;
}

const LOOK = `SELECT pg_backend_pid() AS pid, pg_current_xact_id()::text AS tx,
                     current_user AS who, current_setting('search_path') AS path`;

async function look(manager: EntityManager): Promise<Seen> {
  const [row]: Seen[] = await manager.query(LOOK);
  return row;
}

async function registeredSchools(t: TestApp, count: number): Promise<School[]> {
  const schools: School[] = [];
  for (let i = 0; i < count; i++) {
    const registered = await registerSchool(t.app, { name: `Affinity ${i}` });
    const school = await t.app.get(SchoolDirectory).findByHost(registered.host);
    if (!school) throw new Error(`no school at ${registered.host}`);
    schools.push(school);
  }
  return schools;
}

function expectOwn(seen: Seen, school: School): void {
  expect(seen).toMatchObject({ who: school.dbRole, path: `"${school.schemaName}", pg_temp` });
}

describe('schools on a pool of four', () => {
  const POOL = 4;
  let t: TestApp;
  let schools: School[];

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: String(POOL), DB_POOL_SCHOOL_SHARE: '2' });
    schools = await registeredSchools(t, POOL);
  });
  afterAll(async () => {
    await t.close();
  });

  it('brings a school back to the backend that served it', async () => {
    const transactions = t.app.get(TenantTransactions);
    for (const school of schools) {
      const pids = new Set<number>();
      for (let i = 0; i < 3; i++) {
        const seen = await transactions.run(school, look);
        expectOwn(seen, school);
        pids.add(seen.pid);
      }
      expect(pids.size).toBe(1);
    }
  });

  it("never puts two schools' transactions open at once on one connection or in one transaction", async () => {
    const transactions = t.app.get(TenantTransactions);
    for (let round = 0; round < 5; round++) {
      let open = 0;
      let allOpen: () => void = () => undefined;
      const together = new Promise<void>((resolve) => (allOpen = resolve));
      const seen = await Promise.all(
        schools.map((school) =>
          transactions.run(school, async (manager) => {
            const first = await look(manager);
            if (++open === schools.length) allOpen();
            await together;
            const last = await look(manager);
            expect(last).toEqual(first);
            return first;
          }),
        ),
      );
      seen.forEach((mine, i) => expectOwn(mine, schools[i]));
      expect(new Set(seen.map((mine) => mine.pid)).size).toBe(schools.length);
      expect(new Set(seen.map((mine) => mine.tx)).size).toBe(schools.length);
    }
  });
});

describe('a pool of one connection that serves two schools before it is replaced', () => {
  let t: TestApp;
  let schools: School[];

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: '1', DB_POOL_MAX_SCHOOLS_PER_CONNECTION: '2' });
    schools = await registeredSchools(t, 3);
  });
  afterAll(async () => {
    await t.close();
  });

  it('starts the second school clean on the same backend, and the third on a new one', async () => {
    const transactions = t.app.get(TenantTransactions);
    const [a, b, c] = schools;
    const setAndLook = async (manager: EntityManager) => {
      await manager.query(`SELECT set_config('statement_timeout', '1234', false)`);
      return look(manager);
    };
    // Registration may have left the connection having served one school already: once two
    // of A's transactions in a row share a backend, that backend has served A alone.
    let first = await transactions.run(a, look);
    let again = await transactions.run(a, setAndLook);
    if (again.pid !== first.pid) [first, again] = [again, await transactions.run(a, setAndLook)];
    expectOwn(again, a);
    expect(again.pid).toBe(first.pid);
    const second = await transactions.run(b, async (manager) => ({
      ...(await look(manager)),
      timeout: ((await manager.query(`SHOW statement_timeout`)) as Array<Record<string, string>>)[0]
        .statement_timeout,
    }));
    expectOwn(second, b);
    expect(second.pid).toBe(first.pid);
    // The kernel's own setting for B, not A's session-level one.
    expect(second.timeout).not.toBe('1234ms');
    const third = await transactions.run(c, look);
    expectOwn(third, c);
    expect(third.pid).not.toBe(first.pid);
    const back = await transactions.run(a, look);
    expectOwn(back, a);
  });
});
