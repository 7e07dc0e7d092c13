import { TenantMigrator, type SchoolToMigrate } from '@schoolyard/fleet';
import { type QueryRunner } from 'typeorm';
import {
  createTestApp,
  registerSchool,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';
import { mailTo } from './support/mailbox';

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
        'absence_notes',
        'academic_levels',
        'academic_years',
        'announcement_recipients',
        'announcements',
        'attendance_alerts',
        'attendance_records',
        'attendance_sessions',
        'audit_events',
        'calendar_events',
        'contact_opt_outs',
        'course_contents',
        'exam_levels',
        'exam_mark_changes',
        'exam_marks',
        'exam_papers',
        'exam_results',
        'exam_subject_results',
        'exams',
        'fee_concessions',
        'fee_counters',
        'fee_credit_entries',
        'fee_credit_notes',
        'fee_heads',
        'fee_invoice_lines',
        'fee_invoices',
        'fee_late_fine_rules',
        'fee_merchant_accounts',
        'fee_online_payments',
        'fee_receipts',
        'fee_refunds',
        'fee_structure_lines',
        'fee_structures',
        'grading_bands',
        'grading_scales',
        'guardians',
        'imports',
        'message_thread_participants',
        'message_threads',
        'messages',
        'notification_deliveries',
        'notification_preferences',
        'notification_quiet_hours',
        'notifications',
        'permissions',
        'profiles',
        'programs',
        'report_card_batches',
        'role_permissions',
        'roles',
        'school_migrations',
        'school_settings',
        'section_students',
        'sections',
        'staff',
        'student_guardians',
        'students',
        'subject_weightings',
        'subjects',
        'submission_attempts',
        'submissions',
        'teaching_assignments',
        'terms',
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
      // The school's own record names every migration that built it, once.
      const applied = await db.query<{ name: string }>(
        `SELECT name FROM "${schema}".school_migrations ORDER BY name`,
      );
      expect(applied.rows.map((row) => row.name)).toEqual(
        [...t.app.get(TenantMigrator).ledger.release.names].sort(),
      );
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
    const mailed = await withOwnerClient((db) =>
      db.query('SELECT 1 FROM mail_outbox WHERE recipient = $1', [email]),
    );
    expect(mailed.rowCount).toBe(0);
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

  /** Spends the verification token last mailed to `email`, as its holder would. */
  async function verifyMailedEmail(email: string) {
    const { token } = await mailTo(email, { template: 'verify-email' });
    return t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      headers: { host: 'localhost' },
      payload: { token },
    });
  }

  it('answers alike for the right and the wrong password of a verified account: no oracle', async () => {
    const email = `verified-${uniqueSubdomain()}@example.org`;
    const first = await registerSchool(t.app, { email });
    expect((await verifyMailedEmail(email)).statusCode).toBe(200);

    const subdomain = uniqueSubdomain('second-');
    const right = await register({ name: 'Second', subdomain, owner: owner(email) });
    const wrong = await register({
      name: 'Second',
      subdomain,
      owner: { ...owner(email), password: 'not the right password' },
    });
    for (const response of [right, wrong]) {
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('EMAIL_TAKEN');
    }
    expect(right.json().error).toEqual(wrong.json().error);
    expect(right.json().error.details).toMatchObject({ createSchool: 'POST /api/organizations' });
    expect((await footprint(subdomain, 'nobody@example.org', t.urls.databaseTag)).schemas).toBe(0);

    // A taken subdomain is answered first, whatever the email and password.
    const taken = await register({
      name: 'Again',
      subdomain: first.slug,
      owner: { ...owner(email), password: 'not the right password' },
    });
    expect(taken.json().error.code).toBe('SUBDOMAIN_TAKEN');
  });

  it('never lets an unverified claim of an email block its holder, and releases it on verification', async () => {
    const victim = `victim-${uniqueSubdomain()}@example.org`;
    const attacker = await register({
      name: 'Throw-away',
      subdomain: uniqueSubdomain('claim-'),
      owner: { ...owner(victim), firstName: 'Mallory', password: 'mallory owns this one' },
    });
    expect(attacker.statusCode).toBe(201);
    expect(attacker.json().owner.emailVerified).toBe(false);
    const attackerToken = (await mailTo(victim, { template: 'verify-email' })).token;

    const real = await register({
      name: 'Victim Academy',
      subdomain: uniqueSubdomain('victim-'),
      owner: owner(victim),
    });
    expect(real.statusCode).toBe(201);
    const victimId: string = real.json().owner.userId;
    expect(victimId).not.toBe(attacker.json().owner.userId);
    expect(real.json().owner).toMatchObject({ username: 'josemarianunez', emailVerified: false });

    const mail = await mailTo(victim, { template: 'verify-email', nth: 2 });
    expect(mail.token).not.toBe(attackerToken);
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      headers: { host: 'localhost' },
      payload: { token: mail.token },
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ email: victim, verified: true });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      headers: { host: 'localhost' },
      payload: { token: mail.token },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('VERIFICATION_TOKEN_USED');

    await withOwnerClient(async (db) => {
      const accounts = await db.query<{ id: string; email: string | null; verified: boolean }>(
        `SELECT id, email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = ANY($1)`,
        [[victimId, attacker.json().owner.userId]],
      );
      const byId = new Map(accounts.rows.map((row) => [row.id, row]));
      expect(byId.get(victimId)).toMatchObject({ email: victim, verified: true });
      // The claim is released: the attacker's account keeps nothing of the address.
      expect(byId.get(attacker.json().owner.userId)).toMatchObject({
        email: null,
        verified: false,
      });
      const via = await db.query('SELECT via FROM school_memberships WHERE user_id = $1', [
        victimId,
      ]);
      expect(via.rows).toEqual([{ via: 'registered' }]);
    });
    // The token mailed for the attacker's registration cannot take the address back.
    const stale = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      headers: { host: 'localhost' },
      payload: { token: attackerToken },
    });
    expect(stale.statusCode).toBe(400);

    const login = (host: string, username: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host },
        payload: { username, password },
      });
    const victimHost: string = real.json().organization.host;
    // Neither by the attacker's own username nor by the victim's, with the attacker's password.
    expect((await login(victimHost, 'mallorymarianunez', 'mallory owns this one')).statusCode).toBe(
      401,
    );
    expect((await login(victimHost, 'josemarianunez', 'mallory owns this one')).statusCode).toBe(
      401,
    );
    expect((await login('localhost', victim, 'mallory owns this one')).statusCode).toBe(401);
    // The victim signs in at her school and, with her proved address, at the platform.
    expect((await login(victimHost, 'josemarianunez', 'a long enough password')).statusCode).toBe(
      200,
    );
    expect((await login('localhost', victim, 'a long enough password')).statusCode).toBe(200);
  });

  it.each([
    [
      'a well-known password',
      'weak-',
      'qwertyuiop',
      'owner.password is a well-known password; choose another',
    ],
    [
      "the owner's own username",
      'own-',
      'josemarianunez',
      'owner.password must not be your username or email',
    ],
  ])(
    'holds the owner password to the password policy: refuses %s and makes nothing',
    async (_case, prefix, password, problem) => {
      const subdomain = uniqueSubdomain(prefix);
      const email = `${subdomain}@example.org`;
      const response = await register({
        name: 'Weak',
        subdomain,
        owner: { ...owner(email), password },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toEqual({
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        details: [{ field: 'owner.password', problems: [problem] }],
      });
      expect(await footprint(subdomain, email, t.urls.databaseTag)).toMatchObject({
        schemas: 0,
        users: 0,
      });
    },
  );

  it('mails the owner a single-use token for the platform host, in the registration transaction', async () => {
    const subdomain = uniqueSubdomain('mail-');
    const email = `${subdomain}@example.org`;
    const response = await register({ name: 'Mailed', subdomain, owner: owner(email) });
    expect(response.statusCode).toBe(201);
    const mail = await mailTo(email, { template: 'verify-email' });
    expect(mail.text).toContain(
      `http://${t.config.baseDomain}:${t.config.port}/verify-email?token=${mail.token}`,
    );
    await withOwnerClient(async (db) => {
      const tokens = await db.query<{ hours: number; matches: boolean }>(
        `SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours,
                token_hash = sha256(convert_to($2, 'UTF8')) AS matches
           FROM account_tokens WHERE user_id = $1 AND purpose = 'verify_email'`,
        [response.json().owner.userId, mail.token],
      );
      // Only the hash is kept; the token lives 48 hours by default.
      expect(tokens.rows).toEqual([{ hours: 48, matches: true }]);
    });
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

describe('registration limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ REGISTRATION_PER_ADDRESS_PER_HOUR: '2', REGISTRATION_PER_HOUR: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (remoteAddress: string, subdomain = uniqueSubdomain('lim-')) =>
    t.app.inject({
      method: 'POST',
      url: '/api/organizations/register',
      headers: { host: 'localhost' },
      remoteAddress,
      payload: { name: 'Limited', subdomain, owner: owner(`${subdomain}@example.org`) },
    });

  it('limits registrations per client address, then across the platform, before any work', async () => {
    expect((await register('198.51.100.20')).statusCode).toBe(201);
    expect((await register('198.51.100.20')).statusCode).toBe(201);
    const subdomain = uniqueSubdomain('lim-');
    const refused = await register('198.51.100.20', subdomain);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.any(String),
        details: { scope: 'registration-address', retryAfterSeconds: expect.any(Number) },
      },
      requestId: expect.any(String),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1700);
    expect(
      await footprint(subdomain, `${subdomain}@example.org`, t.urls.databaseTag),
    ).toMatchObject({ organizations: 0, schemas: 0, roles: 0, users: 0 });

    // Another address still may, until the platform's hourly allowance is spent.
    expect((await register('198.51.100.21')).statusCode).toBe(201);
    const platform = await register('198.51.100.22');
    expect(platform.statusCode).toBe(429);
    expect(platform.json().error.details.scope).toBe('registration-platform');
    expect(platform.headers['retry-after']).toEqual(expect.any(String));
    // Only registrations are counted: the rest of the platform host still answers.
    const check = await t.app.inject({
      url: `/api/organizations/check-domain?subdomain=${uniqueSubdomain()}`,
      headers: { host: 'localhost' },
      remoteAddress: '198.51.100.20',
    });
    expect(check.statusCode).toBe(200);
  });
});
