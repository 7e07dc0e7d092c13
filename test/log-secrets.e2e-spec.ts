import { randomBytes } from 'node:crypto';
import { LeakProbeController } from './support/leak-probe.controller';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';
import { caller } from './support/caller';

/** A secret no code could produce by chance, so finding it in a log means it was logged. */
const secret = (label: string) => `${label} ${randomBytes(9).toString('base64url')} phrase`;

/*
 * In a file of its own: Nest's Logger is process-wide (services log through the logger of the
 * app made last), so this suite's app must be the only one its process builds.
 */
describe('secrets never reach the logs', () => {
  const lines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'trace' }, [LeakProbeController], {
      write: (line: string) => void lines.push(line),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs a full run at trace level without any password, token or key it used', async () => {
    const ownerPassword = secret('owner');
    const wrongPassword = secret('wrong');
    const newOwnerPassword = secret('renewed');
    const studentPassword = secret('student');
    const subdomain = `sec${randomBytes(4).toString('hex')}`;
    const host = `${subdomain}.localhost`;
    const call = caller(t);
    const school = { host };

    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/organizations/register',
      headers: { host: 'localhost' },
      payload: {
        name: 'Secretive School',
        subdomain,
        owner: {
          firstName: 'Sam',
          lastName: 'Secret',
          email: `sam@${subdomain}.example`,
          password: ownerPassword,
        },
      },
    });
    expect(registered.statusCode).toBe(201);
    const username = registered.json<{ owner: { username: string } }>().owner.username;

    // Refused input carries passwords too: a wrong one, and one inside a body that fails validation.
    expect(
      (await call(school, null, 'POST', '/api/auth/login', { username, password: wrongPassword }))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await call(school, null, 'POST', '/api/auth/login', {
          username,
          password: wrongPassword,
          extra: 1,
        })
      ).statusCode,
    ).toBe(400);

    const owner = await signIn(t.app, host, username, ownerPassword);
    const enrolled = await call(school, owner, 'POST', '/api/students/enroll', {
      firstName: 'Tess',
      lastName: 'Token',
      admissionNumber: 'S-1',
      admissionDate: '2025-09-01',
    });
    expect(enrolled.statusCode).toBe(201);
    const studentId = enrolled.json<{ id: string }>().id;
    const activation = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [studentId],
    });
    const activated = activation.json<{
      activated: Array<{ username: string; temporaryPassword: string }>;
    }>().activated[0];
    expect(
      (await call(school, owner, 'GET', '/api/students/credential-distribution')).statusCode,
    ).toBe(200);
    const student = await signIn(t.app, host, activated.username, activated.temporaryPassword);
    expect(
      (
        await call(school, student, 'POST', '/api/auth/change-password', {
          currentPassword: activated.temporaryPassword,
          newPassword: studentPassword,
        })
      ).statusCode,
    ).toBe(200);
    const refreshed = await call(school, null, 'POST', '/api/auth/refresh', {
      refreshToken: owner.refreshToken,
    });
    expect(refreshed.statusCode).toBe(200);
    expect(
      (
        await call(school, owner, 'POST', '/api/auth/change-password', {
          currentPassword: ownerPassword,
          newPassword: newOwnerPassword,
        })
      ).statusCode,
    ).toBe(200);
    // The school gives the student a new temporary password: a secret of its own.
    const reset = await call(school, owner, 'POST', `/api/students/${studentId}/reset-password`);
    expect(reset.statusCode).toBe(200);
    const resetPassword = reset.json<{ temporaryPassword: string }>().temporaryPassword;
    // A second school, signed in to and refused at, whose trail must hold no secret either.
    const second = await registerSchool(t.app);
    const secondWrong = secret('second-wrong');
    expect(
      (
        await call(second, null, 'POST', '/api/auth/login', {
          username: second.ownerUsername,
          password: secondWrong,
        })
      ).statusCode,
    ).toBe(401);
    const secondOwner = await signIn(t.app, second.host, second.ownerUsername);
    // A failure on the server side logs its error: no secret may ride along.
    expect((await call(school, owner, 'GET', '/test/probe?mode=sql')).statusCode).toBe(500);

    const written = lines.join('');
    expect(written).toContain('/api/auth/change-password'); // the run was logged at all
    expect(t.config.logLevel).toBe('trace'); // ... with everything the logger would say
    const secrets = {
      ownerPassword,
      wrongPassword,
      newOwnerPassword,
      studentPassword,
      temporaryPassword: activated.temporaryPassword,
      accessToken: owner.accessToken,
      refreshToken: owner.refreshToken,
      rotatedRefreshToken: refreshed.json<{ refreshToken: string }>().refreshToken,
      jwtSecret: t.config.auth.jwtSecret,
      apiDatabasePassword: decodeURIComponent(new URL(t.urls.requestsUrl).password),
      // The machine's server trusts local logins (no password); the embedded one has one.
      ...(new URL(t.urls.ownerUrl).password
        ? { ownerDatabasePassword: decodeURIComponent(new URL(t.urls.ownerUrl).password) }
        : {}),
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length).toBeGreaterThan(8);
      expect({ name, logged: written.includes(value) }).toEqual({ name, logged: false });
    }

    // Nor the audit trails: every row of both schools' and the platform's, read as text.
    const trails = await withOwnerClient(async (db) => {
      const texts: string[] = [];
      for (const slug of [subdomain, second.slug]) {
        const found = await db.query<{ row: string }>(
          `SELECT a::text AS row FROM "school_${slug.replace(/-/g, '_')}".audit_events a`,
        );
        texts.push(...found.rows.map((row) => row.row));
      }
      const platform = await db.query<{ row: string }>(
        `SELECT p::text AS row FROM public.platform_audit_events p
          WHERE school_slug = ANY($1::text[]) OR organization_id IN (
                SELECT id FROM public.organizations WHERE slug = ANY($1::text[]))`,
        [[subdomain, second.slug]],
      );
      texts.push(...platform.rows.map((row) => row.row));
      const hashes = await db.query<{ password_hash: string }>(
        `SELECT u.password_hash FROM public.users u
           JOIN public.school_memberships m ON m.user_id = u.id
           JOIN public.organizations o ON o.id = m.organization_id
          WHERE o.slug = ANY($1::text[]) AND u.password_hash IS NOT NULL`,
        [[subdomain, second.slug]],
      );
      return { text: texts.join('\n'), hashes: hashes.rows.map((row) => row.password_hash) };
    });
    // The run did reach the trails: activation, the reset and the sign-ins are there.
    for (const action of ['activated', 'password_reset', 'signed_in', 'sign_in_failed']) {
      expect(trails.text).toContain(`,${action},`);
    }
    expect(trails.text).toContain('school.registered');
    expect(trails.hashes.length).toBeGreaterThanOrEqual(3);
    const kept = {
      ...secrets,
      resetPassword,
      secondWrong,
      secondOwnerPassword: OWNER_PASSWORD,
      secondAccessToken: secondOwner.accessToken,
      secondRefreshToken: secondOwner.refreshToken,
      ...Object.fromEntries(trails.hashes.map((hash, index) => [`hash${index}`, hash])),
    };
    for (const [name, value] of Object.entries(kept)) {
      expect({ name, inTrail: trails.text.includes(value) }).toEqual({ name, inTrail: false });
    }
  });
});
