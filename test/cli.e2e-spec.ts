import { jest } from '@jest/globals';
import { type FleetStatus, type FleetSummary } from '@schoolyard/fleet';
import { roleNameFor, schemaNameFor } from '@schoolyard/tenancy';
import { releaseName } from '../scripts/fleet/release-migration';
import { buildCli, runCommand } from './support/cli';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';

/** Registers `count` schools a few at a time (each registration hashes a password). */
async function registerMany(t: TestApp, count: number): Promise<RegisteredSchool[]> {
  const schools: RegisteredSchool[] = [];
  for (let i = 0; i < count; i += 5) {
    const batch = Math.min(5, count - i);
    schools.push(
      ...(await Promise.all(Array.from({ length: batch }, () => registerSchool(t.app)))),
    );
  }
  return schools;
}

async function ledgerOf(slugs: string[]) {
  return withOwnerClient(async (db) => {
    const { rows } = await db.query<{
      slug: string;
      state: string;
      last_migration: string;
      last_error: string | null;
    }>(
      `SELECT o.slug, l.state, l.last_migration, l.last_error
         FROM public.organizations o JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        WHERE o.slug = ANY($1) ORDER BY o.slug`,
      [slugs],
    );
    return new Map(rows.map((row) => [row.slug, row]));
  });
}

/** The school's own statement of which migrations it holds, read from its schema. */
async function schoolMigrations(slug: string): Promise<string[]> {
  return withOwnerClient(async (db) => {
    const { rows } = await db.query<{ name: string }>(
      `SELECT name FROM "${schemaNameFor(slug)}".school_migrations ORDER BY name`,
    );
    return rows.map((row) => row.name);
  });
}

// Every test runs the built CLI as processes of their own, several per test: on a busy
// 2-core machine a test takes minutes, not the suite default of one.
jest.setTimeout(300_000);

describe('maintainer CLI', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Build while the app starts: the CLI runs from dist/, as a maintainer runs it.
    [t] = await Promise.all([createTestApp(), buildCli()]);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  async function schoolAnswers(school: RegisteredSchool): Promise<number> {
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/school',
      headers: { host: school.host, ...owner.bearer },
    });
    return response.statusCode;
  }

  it('migrates 30 schools past a broken one, records its error, and a re-run after the repair migrates only it', async () => {
    const schools = await registerMany(t, 30);
    const slugs = schools.map((school) => school.slug);
    const broken = schools[7];
    const before = await ledgerOf([broken.slug]);
    const oldVersion = before.get(broken.slug)?.last_migration;
    const release = { columns: ['locker_number'], timestamp: 1763999000001 };
    const released = releaseName(release.columns, release.timestamp);
    // Sabotage: the column the release adds already exists, with another type.
    await withOwnerClient((db) =>
      db.query(`ALTER TABLE "${schemaNameFor(broken.slug)}".students ADD COLUMN locker_number int`),
    );

    const dryRun = await runCommand(
      ['tenants', 'migrate', '--dry-run', '--json', '--schools', slugs.join(',')],
      release,
    );
    expect(dryRun.code).toBe(0);
    const planned = dryRun.json<{ schools: Array<{ slug: string; pending: string[] }> }>().schools;
    expect(planned).toHaveLength(30);
    expect(planned.every((school) => school.pending.join() === released)).toBe(true);
    expect(await schoolMigrations(schools[0].slug)).not.toContain(released);

    const first = await runCommand(
      ['tenants', 'migrate', '--json', '--concurrency', '4', '--schools', slugs.join(',')],
      release,
    );
    expect(first.code).toBe(1);
    const summary = first.json<FleetSummary>();
    expect(summary.migrated).toHaveLength(29);
    expect(summary.migrated).not.toContain(broken.slug);
    expect(summary.failed).toEqual([
      { slug: broken.slug, error: expect.stringContaining('locker_number') },
    ]);

    const ledger = await ledgerOf(slugs);
    expect(ledger.get(broken.slug)).toMatchObject({
      state: 'failed',
      last_migration: oldVersion,
      last_error: expect.stringContaining('already exists'),
    });
    for (const school of schools.filter((school) => school !== broken)) {
      expect(ledger.get(school.slug)).toMatchObject({
        state: 'current',
        last_migration: released,
      });
    }
    // Rolled back whole: no index, no ledger row inside the school, and it still serves.
    expect(await schoolMigrations(broken.slug)).not.toContain(released);
    expect(await schoolAnswers(broken)).toBe(200);

    const status = await runCommand(
      ['tenants', 'status', '--json', '--schools', slugs.join(',')],
      release,
    );
    expect(status.code).toBe(1);
    expect(status.json<FleetStatus>().summary).toMatchObject({ total: 30, current: 29, failed: 1 });

    await withOwnerClient((db) =>
      db.query(`ALTER TABLE "${schemaNameFor(broken.slug)}".students DROP COLUMN locker_number`),
    );
    const second = await runCommand(
      ['tenants', 'migrate', '--json', '--schools', slugs.join(',')],
      release,
    );
    expect(second.code).toBe(0);
    expect(second.json<FleetSummary>()).toMatchObject({
      migrated: [broken.slug],
      current: [],
      failed: [],
    });
    expect((await ledgerOf([broken.slug])).get(broken.slug)).toMatchObject({
      state: 'current',
      last_migration: released,
      last_error: null,
    });
    expect(await schoolAnswers(broken)).toBe(200);

    const plain = await runCommand(['tenants', 'migrate', '--schools', slugs.join(',')], release);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('0 migrated, 0 already current, 0 skipped, 0 failed');
  });

  it('leaves a correct ledger when two maintainers migrate the same schools at once', async () => {
    const schools = await registerMany(t, 8);
    const slugs = schools.map((school) => school.slug);
    const release = { columns: ['bus_route'], timestamp: 1763999000002 };
    const released = releaseName(release.columns, release.timestamp);
    const argv = [
      'tenants',
      'migrate',
      '--json',
      '--concurrency',
      '3',
      '--schools',
      slugs.join(','),
    ];

    const [a, b] = await Promise.all([runCommand(argv, release), runCommand(argv, release)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const runA = a.json<FleetSummary>();
    const runB = b.json<FleetSummary>();
    // Each school was migrated by exactly one of them; the other found it done.
    const migrated = [...runA.migrated, ...runB.migrated].sort();
    expect(migrated).toEqual([...slugs].sort());
    expect(runA.failed).toEqual([]);
    expect(runB.failed).toEqual([]);

    const ledger = await ledgerOf(slugs);
    for (const slug of slugs) {
      expect(ledger.get(slug)).toMatchObject({ state: 'current', last_migration: released });
      expect((await schoolMigrations(slug)).filter((name) => name === released)).toHaveLength(1);
    }
  });

  it('leaves a school that a newer build migrated alone', async () => {
    const [school] = await registerMany(t, 1);
    const newer = { columns: ['house_colour'], timestamp: 1763999000003 };
    expect((await runCommand(['tenants', 'migrate', '--schools', school.slug], newer)).code).toBe(
      0,
    );

    // This build does not know the newer migration: the school is ahead, not behind.
    const status = await runCommand(['tenants', 'status', '--json', '--schools', school.slug]);
    expect(status.json<FleetStatus>().summary).toMatchObject({ total: 1, ahead: 1, behind: 0 });
    const migrate = await runCommand(['tenants', 'migrate', '--json', '--schools', school.slug]);
    expect(migrate.json<FleetSummary>()).toMatchObject({ migrated: [], current: [], failed: [] });
    expect((await ledgerOf([school.slug])).get(school.slug)?.last_migration).toBe(
      releaseName(newer.columns, newer.timestamp),
    );
  });

  it('creates a school through the registration path, with the same validation', async () => {
    const subdomain = uniqueSubdomain('cli');
    const created = await runCommand([
      'tenants',
      'create',
      '--subdomain',
      subdomain,
      '--name',
      'Made From A Terminal',
      '--owner-email',
      `rosa.parks@${subdomain}.example`,
      '--owner-password',
      OWNER_PASSWORD,
      '--json',
    ]);
    expect(created.code).toBe(0);
    const body = created.json<{ organization: { host: string }; owner: { username: string } }>();
    expect(body.owner.username).toMatch(/^rosa/);
    const owner = await signIn(t.app, body.organization.host, body.owner.username);
    expect(owner.accessToken).toEqual(expect.any(String));

    const generated = await runCommand([
      'tenants',
      'create',
      '--subdomain',
      uniqueSubdomain('cli'),
      '--name',
      'Generated Password School',
      '--owner-email',
      'someone@generated.example',
    ]);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/owner password \(shown once\): \S{20}/);

    const refused = await runCommand([
      'tenants',
      'create',
      '--subdomain',
      'No Spaces Allowed',
      '--name',
      'Bad',
      '--owner-email',
      'not-an-email',
      '--owner-password',
      'short',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('subdomain');
    expect(refused.stderr).toContain('owner.email');
    expect(refused.stderr).toContain('owner.password');

    const taken = await runCommand([
      'tenants',
      'create',
      '--subdomain',
      subdomain,
      '--name',
      'Again',
      '--owner-email',
      `other@${subdomain}.example`,
      '--owner-password',
      OWNER_PASSWORD,
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('is taken');

    const missing = await runCommand(['tenants', 'create', '--name', 'No subdomain']);
    expect(missing.code).toBe(2);
  });

  it('suspends, resumes, archives and drops a school without touching another', async () => {
    const [school, neighbour] = await registerMany(t, 2);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const read = () =>
      t.app.inject({
        method: 'GET',
        url: '/api/school',
        headers: { host: school.host, ...owner.bearer },
      });
    /** Other instances hear of a status change by NOTIFY; give it a moment to arrive. */
    const eventually = async (code: string | null) => {
      for (let i = 0; i < 50; i++) {
        const response = await read();
        const got =
          response.statusCode === 200
            ? null
            : response.json<{ error: { code: string } }>().error.code;
        if (got === code) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the school never answered ${code ?? '200'}`);
    };

    const suspended = await runCommand(['tenants', 'suspend', school.slug]);
    expect(suspended.stdout).toContain('active → suspended');
    await eventually('SCHOOL_SUSPENDED');
    expect((await runCommand(['tenants', 'resume', school.slug])).code).toBe(0);
    await eventually(null);

    const list = await runCommand(['tenants', 'list', '--json']);
    expect(list.json<Array<{ slug: string; status: string }>>()).toEqual(
      expect.arrayContaining([expect.objectContaining({ slug: school.slug, status: 'active' })]),
    );

    const typo = await runCommand([
      'tenants',
      'migrate',
      '--schools',
      `${school.slug},no-such-school`,
    ]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('no school has the slug no-such-school');

    const unknown = await runCommand(['tenants', 'suspend', 'no-such-school']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No school has the slug');

    // An active school cannot be dropped, and the slug must be typed twice.
    const notArchived = await runCommand([
      'tenants',
      'drop',
      school.slug,
      '--confirm',
      school.slug,
    ]);
    expect(notArchived.code).toBe(1);
    expect(notArchived.stderr).toContain('archive it first');
    expect((await runCommand(['tenants', 'drop', school.slug])).code).toBe(2);

    await runCommand(['tenants', 'archive', school.slug]);
    await eventually('SCHOOL_ARCHIVED');
    const archived = await runCommand(['tenants', 'list', '--status', 'archived', '--json']);
    expect(archived.json<Array<{ slug: string }>>().map((row) => row.slug)).toContain(school.slug);

    const mismatch = await runCommand([
      'tenants',
      'drop',
      school.slug,
      '--confirm',
      neighbour.slug,
    ]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain(`--confirm ${school.slug}`);

    const dropped = await runCommand([
      'tenants',
      'drop',
      school.slug,
      '--confirm',
      school.slug,
      '--json',
    ]);
    expect(dropped.code).toBe(0);
    expect(dropped.json()).toMatchObject({ slug: school.slug, domains: 1, memberships: 1 });

    const left = await withOwnerClient(async (db) => {
      const { rows } = await db.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM pg_namespace WHERE nspname = $1) AS schemas,
                (SELECT count(*)::int FROM public.organizations WHERE slug = $2) AS organizations,
                (SELECT count(*)::int FROM public.domains WHERE host = $3) AS domains,
                (SELECT count(*)::int FROM public.users WHERE id = $4) AS owner_accounts,
                (SELECT count(*)::int FROM pg_roles WHERE rolname = $5) AS roles`,
        [
          schemaNameFor(school.slug),
          school.slug,
          school.host,
          school.ownerUserId,
          roleNameFor(school.slug, t.urls.databaseTag),
        ],
      );
      return rows[0];
    });
    expect(left).toMatchObject({
      schemas: 0,
      organizations: 0,
      domains: 0,
      owner_accounts: 1,
      roles: 0,
    });
    await eventually('SCHOOL_NOT_FOUND');

    // The neighbour never noticed.
    expect(await schoolAnswers(neighbour)).toBe(200);
  });

  it('seeds the platform admin from flags, idempotently', async () => {
    const email = `admin-${uniqueSubdomain()}@platform.example`;
    const first = await runCommand([
      'db',
      'seed-admin',
      '--email',
      email,
      '--password',
      'a long admin password',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created');
    const again = await runCommand([
      'db',
      'seed-admin',
      '--email',
      email,
      '--password',
      'a long admin password',
    ]);
    expect(again.stdout).toContain('already a platform admin');
    const admins = await withOwnerClient((db) =>
      db.query('SELECT 1 FROM public.users WHERE lower(email) = lower($1) AND is_platform_admin', [
        email,
      ]),
    );
    expect(admins.rowCount).toBe(1);
    expect(
      (await runCommand(['db', 'seed-admin', '--email', email, '--password', 'short'])).code,
    ).toBe(1);
  });
  it('seeds realistic test data into one school only, tops up on a re-run, and leaves no orphans', async () => {
    const [school, other] = await registerMany(t, 2);
    const password = 'seeded people password';
    const first = await runCommand([
      'seed',
      'test-data',
      '--school',
      school.slug,
      '--students',
      '60',
      '--staff',
      '8',
      '--guardians',
      '40',
      '--password',
      password,
      '--json',
    ]);
    expect(first.code).toBe(0);
    const seeded = first.json<{ created: Record<string, number>; warnings: string[] }>();
    const report = seeded.created;
    // A new school is on the trial plan (50 students): test data may exceed it, and says so.
    expect(seeded.warnings).toEqual([
      expect.stringContaining('60 active students, over the trial'),
    ]);
    expect(report).toMatchObject({ students: 60, staff: 8, guardians: 40, accounts: 108 });
    expect(report.enrolments).toBe(60);
    expect(report.guardianLinks).toBeGreaterThanOrEqual(40);
    expect(report.teaching).toBeGreaterThan(0);
    expect(report.contents).toBeGreaterThan(0);
    expect(report.submissions).toBeGreaterThan(0);

    const states = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ status: string; late: boolean }>(
        `SELECT DISTINCT status, is_late AS late FROM "${schemaNameFor(school.slug)}".submissions`,
      );
      return rows;
    });
    // Submissions in every state, some late and some on time.
    expect(new Set(states.map((row) => row.status))).toEqual(
      new Set(['submitted', 'graded', 'returned']),
    );
    expect(new Set(states.map((row) => row.late))).toEqual(new Set([true, false]));

    // A seeded person signs in at their school with the password from the flag, not elsewhere.
    const person = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ local_username: string }>(
        `SELECT local_username FROM "${schemaNameFor(school.slug)}".profiles
          WHERE kind = 'student' AND user_id IS NOT NULL LIMIT 1`,
      );
      return rows[0].local_username;
    });
    expect((await signIn(t.app, school.host, person, password)).mustChangePassword).toBe(true);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: other.host },
      payload: { username: person, password },
    });
    expect(elsewhere.statusCode).toBe(401);

    // Sizes are totals: the same command again adds nothing, a larger one tops up.
    const again = await runCommand([
      'seed',
      'test-data',
      '--school',
      school.slug,
      '--students',
      '60',
      '--staff',
      '8',
      '--guardians',
      '40',
      '--json',
    ]);
    expect(Object.values(again.json<{ created: Record<string, number> }>().created)).toEqual(
      Object.values(report).map(() => 0),
    );
    const more = await runCommand([
      'seed',
      'test-data',
      '--school',
      school.slug,
      '--students',
      '70',
      '--staff',
      '8',
      '--guardians',
      '40',
      '--json',
    ]);
    expect(more.json<{ created: Record<string, number> }>().created).toMatchObject({
      students: 10,
      staff: 0,
      enrolments: 10,
    });

    const counts = await withOwnerClient(async (db) => {
      const count = async (slug: string) =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "${schemaNameFor(slug)}".students`,
          )
        ).rows[0].n;
      return { school: await count(school.slug), other: await count(other.slug) };
    });
    expect(counts).toEqual({ school: 70, other: 0 });

    const audit = await runCommand([
      'audit',
      'orphans',
      '--schools',
      `${school.slug},${other.slug}`,
    ]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('2 schools checked, 0 orphaned links');

    const unknown = await runCommand(['seed', 'test-data', '--school', 'no-such-school']);
    expect(unknown.code).toBe(1);
    const weak = await runCommand([
      'seed',
      'test-data',
      '--school',
      school.slug,
      '--password',
      'short',
    ]);
    expect(weak.code).toBe(1);
  });
});

describe('maintainer CLI: schools whose owner never verified their email', () => {
  let t: TestApp;

  beforeAll(async () => {
    [t] = await Promise.all([createTestApp(), buildCli()]);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  interface Listed {
    slug: string;
    status: string;
    ownerEmail: string | null;
    ageDays: number;
  }

  const statusOf = async (slug: string) =>
    withOwnerClient(
      async (db) =>
        (await db.query('SELECT status FROM organizations WHERE slug = $1', [slug])).rows[0]
          .status as string,
    );

  it('lists them with their age and suspends those past the grace period', async () => {
    const [overdue, verifiedLate, fresh] = await Promise.all([
      registerSchool(t.app),
      registerSchool(t.app),
      registerSchool(t.app),
    ]);
    // Registered three weeks ago; one owner proved their email since.
    await withOwnerClient(async (db) => {
      await db.query(
        `UPDATE organizations SET created_at = now() - interval '21 days' WHERE id = ANY($1)`,
        [[overdue.id, verifiedLate.id]],
      );
      await db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [
        verifiedLate.ownerUserId,
      ]);
    });

    const listed = await runCommand(['tenants', 'list', '--unverified', '--json']);
    expect(listed.code).toBe(0);
    const bySlug = new Map(listed.json<Listed[]>().map((school) => [school.slug, school]));
    expect(bySlug.get(overdue.slug)).toMatchObject({
      status: 'active',
      ownerEmail: `owner@${overdue.slug}.example`,
      ageDays: 21,
    });
    expect(bySlug.get(fresh.slug)).toMatchObject({ ageDays: 0 });
    expect(bySlug.has(verifiedLate.slug)).toBe(false);
    const text = await runCommand(['tenants', 'list', '--unverified']);
    expect(text.stdout).toMatch(new RegExp(`${overdue.slug}\\tactive\\t.*\\t21 days old`));

    const dryRun = await runCommand(['tenants', 'suspend-unverified', '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`${overdue.slug}: would be suspended (21 days old)`);
    expect(dryRun.stdout).toMatch(/dry run: \d+ schools unverified for more than 14 days/);
    expect(await statusOf(overdue.slug)).toBe('active');

    const off = await runCommand(['tenants', 'suspend-unverified'], undefined, {
      UNVERIFIED_SCHOOL_SUSPEND_DAYS: '0',
    });
    expect(off.stdout).toContain('never suspended');
    expect(await statusOf(overdue.slug)).toBe('active');

    const suspended = await runCommand(['tenants', 'suspend-unverified']);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain(`${overdue.slug}: active → suspended`);
    expect(suspended.stdout).toMatch(
      /suspended (\d+) of \1 schools unverified for more than 14 days/,
    );
    expect(await statusOf(overdue.slug)).toBe('suspended');
    expect(await statusOf(verifiedLate.slug)).toBe('active');
    expect(await statusOf(fresh.slug)).toBe('active');

    // Run again (as the scheduled job would): nothing left to do for this school.
    const again = await runCommand(['tenants', 'suspend-unverified', '--json']);
    expect(again.json<{ suspended: string[] }>().suspended).not.toContain(overdue.slug);
  });
});
