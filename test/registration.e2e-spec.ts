import { TenantMigrator, type SchoolToMigrate } from '@schoolyard/tenancy';
import { type QueryRunner } from 'typeorm';
import {
  createTestApp,
  registerSchool,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';

interface Footprint {
  organizations: number;
  domains: number;
  schemas: number;
  roles: number;
  users: number;
  ledger: number;
}

/** Everything a school could leave behind, counted straight from the catalog. */
async function footprint(subdomain: string, email: string, tag: string): Promise<Footprint> {
  return withOwnerClient(async (db) => {
    const count = async (sql: string, params: unknown[]) =>
      Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
    const schema = `school_${subdomain.replace(/-/g, '_')}`;
    return {
      organizations: await count('SELECT count(*) AS n FROM organizations WHERE slug = $1', [
        subdomain,
      ]),
      domains: await count('SELECT count(*) AS n FROM domains WHERE host LIKE $1', [
        `${subdomain}.%`,
      ]),
      schemas: await count('SELECT count(*) AS n FROM pg_namespace WHERE nspname = $1', [schema]),
      roles: await count('SELECT count(*) AS n FROM pg_roles WHERE rolname = $1', [
        `${schema}_${tag}`,
      ]),
      users: await count('SELECT count(*) AS n FROM users WHERE lower(email) = lower($1)', [email]),
      ledger: await count(
        'SELECT count(*) AS n FROM tenant_migration_ledger l JOIN organizations o ON o.id = l.organization_id WHERE o.slug = $1',
        [subdomain],
      ),
    };
  });
}

const owner = (email: string) => ({
  firstName: 'José',
  middleName: 'María',
  lastName: 'Núñez',
  email,
  password: 'a long enough password',
});

describe('school registration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (body: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/organizations/register',
      headers: { host: 'localhost' },
      payload: body as object,
    });

  it('creates the schema, role, tables, domain, owner and ledger entry together', async () => {
    const subdomain = uniqueSubdomain('reg-');
    const email = `${subdomain}@example.org`;
    const response = await register({ name: 'Oxford High', subdomain, owner: owner(email) });

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.organization).toMatchObject({
      slug: subdomain,
      name: 'Oxford High',
      status: 'active',
      host: `${subdomain}.localhost`,
    });
    expect(body.owner).toMatchObject({ username: 'josemarianunez', email });

    expect(await footprint(subdomain, email, t.urls.databaseTag)).toEqual({
      organizations: 1,
      domains: 1,
      schemas: 1,
      roles: 1,
      users: 1,
      ledger: 1,
    });
    await withOwnerClient(async (db) => {
      const schema = `school_${subdomain.replace(/-/g, '_')}`;
      const tables = await db.query<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
        [schema],
      );
      expect(tables.rows.map((row) => row.tablename)).toEqual([
        'academic_levels',
        'course_contents',
        'guardians',
        'permissions',
        'profiles',
        'programs',
        'role_permissions',
        'roles',
        'school_migrations',
        'school_settings',
        'section_students',
        'sections',
        'staff',
        'student_guardians',
        'students',
        'subjects',
        'submission_attempts',
        'submissions',
        'teaching_assignments',
        'user_roles',
      ]);
      const profile = await db.query(
        `SELECT kind, local_username, user_id FROM "${schema}".profiles`,
      );
      expect(profile.rows).toEqual([
        { kind: 'owner', local_username: 'josemarianunez', user_id: body.owner.userId },
      ]);
      const user = await db.query(
        'SELECT global_username, password_hash FROM users WHERE id = $1',
        [body.owner.userId],
      );
      expect(user.rows[0].global_username).toMatch(/^josemarianunez_[0-9a-f]{6}$/);
      expect(user.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      const ledger = await db.query(
        `SELECT state, last_migration FROM tenant_migration_ledger WHERE organization_id = $1`,
        [body.organization.id],
      );
      expect(ledger.rows).toEqual([
        { state: 'current', last_migration: t.app.get(TenantMigrator).latest },
      ]);
      // The API's login role may switch into the school role but inherits nothing from it.
      const membership = await db.query(
        `SELECT pg_has_role($1, $2, 'MEMBER') AS member, pg_has_role($1, $2, 'USAGE') AS inherits`,
        [t.urls.apiRole, `${schema}_${t.urls.databaseTag}`],
      );
      expect(membership.rows[0]).toEqual({ member: true, inherits: false });
    });
  });

  it('leaves nothing behind when a tenant migration fails midway', async () => {
    const migrator = t.app.get(TenantMigrator);
    const broken = {
      name: 'Broken9999999999999',
      up: async (db: QueryRunner) => {
        await db.query('CREATE TABLE half_made (id int)');
        await db.query('SELECT * FROM table_that_does_not_exist');
      },
      down: async () => undefined,
    };
    migrator.ledger.release.migrations.push(broken);
    const subdomain = uniqueSubdomain('broken-');
    const email = `${subdomain}@example.org`;
    try {
      const response = await register({ name: 'Broken', subdomain, owner: owner(email) });
      expect(response.statusCode).toBe(500);
      expect(response.json().error.code).toBe('INTERNAL_ERROR');
    } finally {
      migrator.ledger.release.migrations.pop();
    }
    expect(await footprint(subdomain, email, t.urls.databaseTag)).toEqual({
      organizations: 0,
      domains: 0,
      schemas: 0,
      roles: 0,
      users: 0,
      ledger: 0,
    });
    // The same subdomain registers cleanly afterwards.
    expect((await register({ name: 'Fixed', subdomain, owner: owner(email) })).statusCode).toBe(
      201,
    );
  });

  it.each([
    ['too short', 'a'],
    ['upper case', 'Oxford'],
    ['underscore', 'ox_ford'],
    ['trailing hyphen', 'oxford-'],
    ['sql', "x'; drop schema public; --"],
    ['reserved www', 'www'],
    ['reserved api', 'api'],
    ['reserved pg-', 'pg-catalog'],
  ])('refuses a %s subdomain with 400 and field details', async (_label, subdomain) => {
    const response = await register({ name: 'X', subdomain, owner: owner('x@example.org') });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'subdomain' })]),
    );
    expect(body.requestId).toEqual(expect.any(String));
  });

  it('answers 409 SUBDOMAIN_TAKEN for a taken subdomain, even when two race for it', async () => {
    const subdomain = uniqueSubdomain('race-');
    const results = await Promise.all([
      register({ name: 'One', subdomain, owner: owner(`one-${subdomain}@example.org`) }),
      register({ name: 'Two', subdomain, owner: owner(`two-${subdomain}@example.org`) }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.statusCode === 409)!;
    expect(loser.json().error.code).toBe('SUBDOMAIN_TAKEN');
    const again = await register({
      name: 'Three',
      subdomain,
      owner: owner(`three-${subdomain}@example.org`),
    });
    expect(again.statusCode).toBe(409);
    // The loser's owner account was not created.
    await withOwnerClient(async (db) => {
      const users = await db.query('SELECT count(*)::int AS n FROM users WHERE email LIKE $1', [
        `%-${subdomain}@example.org`,
      ]);
      expect(users.rows[0].n).toBe(1);
    });
  });

  it('refuses an email that has an account unless its password is given, then links it', async () => {
    const first = await registerSchool(t.app, { email: 'shared-owner@example.org' }).catch(
      async () => registerSchool(t.app, { email: `shared-${uniqueSubdomain()}@example.org` }),
    );
    const email = await withOwnerClient(
      async (db) =>
        (await db.query('SELECT email FROM users WHERE id = $1', [first.ownerUserId])).rows[0]
          .email as string,
    );
    const subdomain = uniqueSubdomain('second-');
    const wrong = await register({
      name: 'Second',
      subdomain,
      owner: { ...owner(email), password: 'not the right password' },
    });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.code).toBe('EMAIL_TAKEN');
    expect((await footprint(subdomain, 'nobody@example.org', t.urls.databaseTag)).schemas).toBe(0);
    const linked = await register({
      name: 'Second',
      subdomain,
      owner: { ...owner(email), password: 'a long enough password' },
    });
    expect(linked.statusCode).toBe(201);
    expect(linked.json().owner.userId).toBe(first.ownerUserId);
  });

  it('tells whether a subdomain is available', async () => {
    const school = await registerSchool(t.app);
    const check = async (subdomain: string) =>
      (
        await t.app.inject({
          url: `/api/organizations/check-domain?subdomain=${encodeURIComponent(subdomain)}`,
          headers: { host: 'localhost' },
        })
      ).json();
    expect(await check(school.slug)).toEqual({
      subdomain: school.slug,
      available: false,
      reason: 'TAKEN',
    });
    expect(await check('www')).toEqual({ subdomain: 'www', available: false, reason: 'RESERVED' });
    expect(await check('Bad_Name')).toEqual({
      subdomain: 'Bad_Name',
      available: false,
      reason: 'INVALID',
    });
    const free = uniqueSubdomain('free-');
    expect(await check(free)).toEqual({ subdomain: free, available: true });
    const missing = await t.app.inject({
      url: '/api/organizations/check-domain',
      headers: { host: 'localhost' },
    });
    expect(missing.statusCode).toBe(400);
  });

  it('serves registration only at the platform address', async () => {
    const school = await registerSchool(t.app);
    const atSchool = await t.app.inject({
      method: 'POST',
      url: '/api/organizations/register',
      headers: { host: school.host },
      payload: { name: 'X', subdomain: uniqueSubdomain(), owner: owner('y@example.org') },
    });
    expect(atSchool.statusCode).toBe(404);
    expect(atSchool.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('migrates schools through the ledger, skipping those already current', async () => {
    const migrator = t.app.get(TenantMigrator);
    const school = await registerSchool(t.app);
    const pending: SchoolToMigrate[] = await migrator.pendingSchools([school.slug]);
    expect(pending).toEqual([]);
    await withOwnerClient((db) =>
      db.query(
        `UPDATE tenant_migration_ledger SET last_migration = NULL, state = 'pending' WHERE organization_id = $1`,
        [school.id],
      ),
    );
    const summary = await migrator.migrateFleet({ concurrency: 2, slugs: [school.slug] });
    // Every migration was already in the school's own table: nothing re-ran, the ledger caught up.
    expect(summary).toMatchObject({ current: [school.slug], migrated: [], failed: [] });
    expect(await migrator.pendingSchools([school.slug])).toEqual([]);
  });
});
