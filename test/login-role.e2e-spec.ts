import {
  createThrowawayDatabase,
  prepareDatabase,
  type ThrowawayDatabase,
  withCredentials,
} from '@schoolyard/database';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl, withOwnerClient } from './support/test-app';

/** The API's request login may switch into every school's role: it is guarded accordingly. */
describe('the request login', () => {
  let scratch: ThrowawayDatabase;

  beforeAll(async () => {
    scratch = await createThrowawayDatabase('login', testDatabaseUrl());
  });
  afterAll(async () => {
    await scratch.drop();
  });

  const tablesOf = (url: string) =>
    withOwnerClient(async (db) => {
      const found = await db.query(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
      );
      return found.rows[0].n as number;
    }, url);

  it.each([
    ['a superuser', 'SUPERUSER'],
    ['a member of the owner account', 'IN ROLE'],
    ['a role that may create roles', 'CREATEROLE'],
  ])(
    'refuses an API_DATABASE_URL naming %s before any change, leaving the role as it was',
    async (_, kind) => {
      const role = `sy_login_${randomBytes(4).toString('hex')}`;
      await withOwnerClient(async (db) => {
        const owner = (await db.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;
        await db.query(
          kind === 'SUPERUSER'
            ? `CREATE ROLE "${role}" LOGIN SUPERUSER PASSWORD 'x'`
            : kind === 'CREATEROLE'
              ? `CREATE ROLE "${role}" LOGIN CREATEROLE PASSWORD 'x'`
              : `CREATE ROLE "${role}" LOGIN NOSUPERUSER PASSWORD 'x' IN ROLE "${owner}"`,
        );
      });
      try {
        const apiUrl = withCredentials(scratch.url, role, 'x');
        await expect(prepareDatabase(scratch.url, apiUrl)).rejects.toThrow(
          kind === 'SUPERUSER'
            ? /superuser .* nothing was changed/
            : kind === 'CREATEROLE'
              ? /may create roles.* nothing was changed/
              : /owner account .* nothing was changed/,
        );
        expect(await tablesOf(scratch.url)).toBe(0);
        await withOwnerClient(async (db) => {
          const after = await db.query('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [role]);
          expect(after.rows).toEqual([{ rolsuper: kind === 'SUPERUSER' }]);
        });
      } finally {
        await withOwnerClient((db) => db.query(`DROP ROLE "${role}"`));
      }
    },
  );

  it('reads the host registry and nothing else before it switches role', async () => {
    const { urls } = await prepareDatabase(testDatabaseUrl());
    const privileges = await withOwnerClient(async (db) => {
      const found = await db.query<{ relation: string; privilege: string }>(
        `SELECT n.nspname || '.' || c.relname AS relation, p.privilege
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p (privilege)
          WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND (has_table_privilege($1, c.oid, p.privilege)
                 OR (p.privilege IN ('SELECT', 'INSERT', 'UPDATE')
                     AND has_any_column_privilege($1, c.oid, p.privilege)))
          ORDER BY 1, 2`,
        [urls.apiRole],
      );
      return found.rows.map((row) => `${row.privilege} ${row.relation}`);
    });
    expect(privileges).toEqual(['SELECT public.domains', 'SELECT public.organizations']);

    // Switched into the platform's role for a transaction, platform work reads accounts.
    const login = new Client({ connectionString: urls.requestsUrl });
    await login.connect();
    try {
      await expect(login.query('SELECT count(*) FROM public.users')).rejects.toMatchObject({
        code: '42501',
      });
      await login.query('BEGIN');
      await login.query(`SELECT set_config('role', $1, true)`, [urls.platformRole]);
      const users = await login.query('SELECT count(*)::int AS n FROM public.users');
      expect(users.rows[0].n).toBeGreaterThanOrEqual(0);
      await login.query('ROLLBACK');
    } finally {
      await login.end();
    }
  });

  it('never compiles queries (JIT), from connection start and after a session reset', async () => {
    const { urls } = await prepareDatabase(scratch.url);
    const login = new Client({ connectionString: urls.requestsUrl });
    await login.connect();
    try {
      const jit = async () => (await login.query<{ jit: string }>('SHOW jit')).rows[0].jit;
      expect(await jit()).toBe('off');
      await login.query('SET jit = on');
      await login.query('RESET ALL');
      expect(await jit()).toBe('off');
    } finally {
      await login.end();
    }
  });

  it('has a random password kept where only the owner can read it', async () => {
    const first = await prepareDatabase(scratch.url);
    const again = await prepareDatabase(scratch.url);
    // Every instance of a deployment gets the same one; it is no function of public data.
    expect(again.urls.requestsUrl).toBe(first.urls.requestsUrl);
    const password = decodeURIComponent(new URL(first.urls.requestsUrl).password);
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await withOwnerClient(
      (db) =>
        db.query('SELECT password FROM schoolyard_private.login_secrets WHERE role_name = $1', [
          first.urls.apiRole,
        ]),
      scratch.url,
    );
    expect(stored.rows).toEqual([{ password }]);

    const login = new Client({ connectionString: first.urls.requestsUrl });
    await login.connect();
    try {
      await expect(
        login.query('SELECT * FROM schoolyard_private.login_secrets'),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await login.end();
    }
  });
});
