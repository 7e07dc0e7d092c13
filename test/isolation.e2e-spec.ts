import { getDataSourceToken } from '@nestjs/typeorm';
import { PG_INSUFFICIENT_PRIVILEGE, pgErrorOf } from '@schoolyard/database';
import { SchoolDirectory, TenantTransactions, type School } from '@schoolyard/tenancy';
import { type DataSource } from 'typeorm';
import {
  signIn,
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type TestApp,
  withOwnerClient,
} from './support/test-app';
import { caller } from './support/caller';

async function schoolOf(t: TestApp, registered: RegisteredSchool): Promise<School> {
  const school = await t.app.get(SchoolDirectory).findByHost(registered.host);
  if (!school) throw new Error(`no school at ${registered.host}`);
  return school;
}

async function expectRefused(work: Promise<unknown>): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  expect(pgErrorOf(error)?.code).toBe(PG_INSUFFICIENT_PRIVILEGE);
}

/** Polls until the API serves what the database now says: cache invalidation is by NOTIFY. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('isolation between schools', () => {
  let t: TestApp;
  let a: RegisteredSchool;
  let b: RegisteredSchool;

  beforeAll(async () => {
    t = await createTestApp();
    a = await registerSchool(t.app, { name: 'Alpha Academy' });
    b = await registerSchool(t.app, { name: 'Beta College' });
  });
  afterAll(async () => {
    await t.close();
  });

  const call = caller(() => t);
  const get = (host: string, extra: Record<string, string> = {}) =>
    call({ host }, null, 'GET', '/api/school', undefined, extra);

  it('shows each host only its own row of the same table', async () => {
    const ownerA = await signIn(t.app, a.host, a.ownerUsername);
    const ownerB = await signIn(t.app, b.host, b.ownerUsername);
    const patchA = await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: a.host, ...ownerA.bearer },
      payload: { primaryColor: '#aa0000' },
    });
    expect(patchA.statusCode).toBe(200);
    await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: b.host, ...ownerB.bearer },
      payload: { primaryColor: '#0000bb' },
    });
    expect((await get(a.host)).json()).toMatchObject({
      displayName: 'Alpha Academy',
      primaryColor: '#aa0000',
    });
    expect((await get(b.host)).json()).toMatchObject({
      displayName: 'Beta College',
      primaryColor: '#0000bb',
    });
  });

  it('resolves the host case-insensitively and ignores the port', async () => {
    const response = await get(`${a.host.toUpperCase()}:3000`);
    expect(response.statusCode).toBe(200);
    expect(response.json().displayName).toBe('Alpha Academy');
  });

  it('refuses schema-qualified reads and writes of another school from inside a school', async () => {
    const transactions = t.app.get(TenantTransactions);
    const schoolA = await schoolOf(t, a);
    const schoolB = await schoolOf(t, b);
    const other = `"${schoolB.schemaName}".school_settings`;
    await expectRefused(transactions.run(schoolA, (m) => m.query(`SELECT * FROM ${other}`)));
    await expectRefused(
      transactions.run(schoolA, (m) => m.query(`UPDATE ${other} SET display_name = 'pwned'`)),
    );
    await expectRefused(transactions.run(schoolA, (m) => m.query(`SELECT * FROM public.users`)));
    // Stepping out of the school role lands on the login role, which holds nothing either.
    await expectRefused(
      transactions.run(schoolA, (m) => m.query(`RESET ROLE; SELECT * FROM ${other}`)),
    );
    expect((await get(b.host)).json().displayName).toBe('Beta College');
  });

  it('begins the transaction with the first query, in the school schema and role, and one transaction for all', async () => {
    const transactions = t.app.get(TenantTransactions);
    const schoolA = await schoolOf(t, a);
    const seen = await transactions.run(schoolA, async (m) => {
      // Two first queries at once: both must wait behind the opening, in one transaction.
      const [first, second]: Array<Array<{ path: string; who: string; tx: string }>> =
        await Promise.all(
          [1, 2].map(() =>
            m.query(
              `SELECT current_setting('search_path') AS path, current_user AS who,
                      txid_current()::text AS tx`,
            ),
          ),
        );
      const [later]: Array<{ tx: string }> = await m.query(`SELECT txid_current()::text AS tx`);
      return { first: first[0], second: second[0], later: later.tx };
    });
    expect(seen.first).toMatchObject({
      path: `"${schoolA.schemaName}", pg_temp`,
      who: schoolA.dbRole,
    });
    expect(seen.second.tx).toBe(seen.first.tx);
    expect(seen.later).toBe(seen.first.tx);
  });

  it('answers a failed opening with its own error and hands every connection back clean', async () => {
    const transactions = t.app.get(TenantTransactions);
    const schoolA = await schoolOf(t, a);
    const ghost: School = { ...schoolA, dbRole: 'school_ghost_00000000' };
    await expect(transactions.run(ghost, (m) => m.query('SELECT 1'))).rejects.toThrow(
      /role "school_ghost_00000000" does not exist/,
    );
    // Work that runs no query opens nothing, and still returns its answer.
    await expect(transactions.run(ghost, async () => 'nothing to read')).resolves.toBe(
      'nothing to read',
    );
    const source = t.app.get<DataSource>(getDataSourceToken());
    const pool = (source.driver as unknown as { master: { _clients: object[] } }).master;
    expect(pool._clients.length).toBeGreaterThan(0);
    for (const client of pool._clients) expect(Object.hasOwn(client, 'query')).toBe(false);
    const rows: Array<{ who: string; path: string }> = await Promise.all(
      pool._clients.map(() =>
        source
          .query(`SELECT current_user AS who, current_setting('search_path') AS path`)
          .then((answer: Array<{ who: string; path: string }>) => answer[0]),
      ),
    );
    for (const row of rows) {
      expect(row.who).not.toMatch(/^school_/);
      expect(row.path).not.toContain('school_');
    }
  });

  it('rolls the whole request back when the handler fails, and keeps nested transactions as savepoints', async () => {
    const transactions = t.app.get(TenantTransactions);
    const schoolA = await schoolOf(t, a);
    await expect(
      transactions.run(schoolA, async (m) => {
        await m.query(`UPDATE school_settings SET locale = 'fr'`);
        // A nested TypeORM transaction must not COMMIT ours.
        await m.transaction(async (inner) =>
          inner.query(`UPDATE school_settings SET timezone = 'Asia/Tokyo'`),
        );
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect((await get(a.host)).json()).toMatchObject({ locale: 'en', timezone: 'UTC' });
  });

  it('answers 404 SCHOOL_NOT_FOUND for an unknown host and for school routes on the platform host', async () => {
    for (const host of [
      'nowhere.localhost',
      'localhost',
      'evil.example.com',
      '127.0.0.1',
      "a'b.localhost",
    ]) {
      const response = await get(host);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: { code: 'SCHOOL_NOT_FOUND', message: expect.any(String) },
        requestId: expect.any(String),
      });
    }
  });

  it('answers 403 SCHOOL_SUSPENDED once a school is suspended, whoever suspends it', async () => {
    const c = await registerSchool(t.app);
    expect((await get(c.host)).statusCode).toBe(200);
    // Behind the API's back: the trigger's NOTIFY must reach the API's host cache.
    await withOwnerClient((db) =>
      db.query(`UPDATE organizations SET status = 'suspended' WHERE id = $1`, [c.id]),
    );
    await eventually(async () => (await get(c.host)).statusCode === 403);
    expect((await get(c.host)).json().error.code).toBe('SCHOOL_SUSPENDED');
    await withOwnerClient((db) =>
      db.query(`UPDATE organizations SET status = 'archived' WHERE id = $1`, [c.id]),
    );
    await eventually(async () => (await get(c.host)).json().error?.code === 'SCHOOL_ARCHIVED');
    await withOwnerClient((db) =>
      db.query(`UPDATE organizations SET status = 'active' WHERE id = $1`, [c.id]),
    );
    await eventually(async () => (await get(c.host)).statusCode === 200);
  });

  it('follows a domain change', async () => {
    const d = await registerSchool(t.app);
    const newHost = `renamed-${d.slug}.localhost`;
    expect((await get(newHost)).statusCode).toBe(404);
    await withOwnerClient((db) =>
      db.query(`UPDATE domains SET host = $1 WHERE organization_id = $2`, [newHost, d.id]),
    );
    await eventually(async () => (await get(newHost)).statusCode === 200);
    await eventually(async () => (await get(d.host)).statusCode === 404);
  });

  it('does not let X-Forwarded-Host pick another school unless a trusted proxy is configured', async () => {
    const spoofed = await get(a.host, { 'x-forwarded-host': b.host });
    expect(spoofed.json().displayName).toBe('Alpha Academy');

    const behindProxy = await createTestApp({ TRUST_PROXY: '127.0.0.1' });
    try {
      const viaProxy = await behindProxy.app.inject({
        url: '/api/school',
        remoteAddress: '127.0.0.1',
        headers: { host: 'internal.lb', 'x-forwarded-host': b.host },
      });
      expect(viaProxy.json().displayName).toBe('Beta College');
      const notTheProxy = await behindProxy.app.inject({
        url: '/api/school',
        remoteAddress: '203.0.113.9',
        headers: { host: a.host, 'x-forwarded-host': b.host },
      });
      expect(notTheProxy.json().displayName).toBe('Alpha Academy');
    } finally {
      await behindProxy.close();
    }
  });

  it('validates school settings changes with field details and changes nothing on refusal', async () => {
    const owner = await signIn(t.app, a.host, a.ownerUsername);
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: a.host, ...owner.bearer },
      payload: {
        timezone: 'Mars/Olympus',
        primaryColor: 'red',
        locale: 'not a locale!',
        admin: true,
      },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad
      .json()
      .error.details.map((d: { field: string }) => d.field)
      .sort();
    expect(fields).toEqual(['admin', 'locale', 'primaryColor', 'timezone']);
    expect((await get(a.host)).json()).toMatchObject({ timezone: 'UTC', primaryColor: '#aa0000' });
  });
});
