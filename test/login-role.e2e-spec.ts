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
  ])(
    'refuses an API_DATABASE_URL naming %s before any change, leaving the role as it was',
    async (_, kind) => {
      const role = `sy_login_${randomBytes(4).toString('hex')}`;
      await withOwnerClient(async (db) => {
        const owner = (await db.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;
        await db.query(
          kind === 'SUPERUSER'
            ? `CREATE ROLE "${role}" LOGIN SUPERUSER PASSWORD 'x'`
            : `CREATE ROLE "${role}" LOGIN NOSUPERUSER PASSWORD 'x' IN ROLE "${owner}"`,
        );
      });
      try {
        const apiUrl = withCredentials(scratch.url, role, 'x');
        await expect(prepareDatabase(scratch.url, apiUrl)).rejects.toThrow(
          kind === 'SUPERUSER'
            ? /superuser .* nothing was changed/
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
