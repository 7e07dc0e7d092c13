import { randomBytes } from 'node:crypto';
import { LeakProbeController } from './support/leak-probe.controller';
import { createTestApp, signIn, type TestApp } from './support/test-app';
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
    const activation = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [enrolled.json<{ id: string }>().id],
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
  });
});
