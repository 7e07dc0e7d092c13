import { allocateLocalUsername, Passwords, seedPlatformAdmin } from '@schoolyard/identity';
import { ALL_PERMISSION_CODES } from '@schoolyard/rbac';
import { SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { performance } from 'node:perf_hooks';
import { mailTo } from './support/mailbox';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('identity: sign-in, sessions, passwords', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (host: string, username: string, password: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host },
      remoteAddress,
      payload: { username, password },
    });
  const me = (host: string, token: string) =>
    t.app.inject({ url: '/api/auth/me', headers: { host, authorization: `Bearer ${token}` } });
  const refresh = (host: string, refreshToken: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { host },
      payload: { refreshToken },
    });

  it('signs in, answers me, rotates refresh tokens, detects reuse and signs out', async () => {
    const school = await registerSchool(t.app, { name: 'Flow School' });
    const response = await login(school.host, school.ownerUsername, OWNER_PASSWORD);
    expect(response.statusCode).toBe(200);
    const signedIn = response.json();
    expect(signedIn).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      deviceToken: expect.any(String),
      user: { id: school.ownerUserId, username: school.ownerUsername, displayName: 'Olive Owner' },
      school: { slug: school.slug, name: 'Flow School' },
      mustChangePassword: false,
    });
    const cookies = Object.fromEntries(response.cookies.map((c) => [c.name, c]));
    expect(cookies.sy_access).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies.sy_refresh).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/auth',
    });
    expect(cookies.sy_csrf.httpOnly).toBeFalsy();

    const who = await me(school.host, signedIn.accessToken);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({
      user: { id: school.ownerUserId, username: school.ownerUsername, mustChangePassword: false },
      school: { slug: school.slug },
      profile: { kind: 'owner', firstName: 'Olive', lastName: 'Owner' },
      roles: [{ name: 'Owner', systemKey: 'owner' }],
    });
    expect(who.json().permissions).toEqual([...ALL_PERMISSION_CODES].sort());

    const first = await refresh(school.host, signedIn.refreshToken);
    expect(first.statusCode).toBe(200);
    const rotated = first.json();
    expect(rotated.refreshToken).not.toBe(signedIn.refreshToken);
    expect((await me(school.host, rotated.accessToken)).statusCode).toBe(200);

    // The spent token again: the whole family ends, including the newest tokens.
    const replay = await refresh(school.host, signedIn.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await refresh(school.host, rotated.refreshToken)).json().error.code).toBe(
      'SESSION_REVOKED',
    );
    expect((await me(school.host, rotated.accessToken)).json().error.code).toBe('SESSION_REVOKED');

    const again = (await login(school.host, school.ownerUsername, OWNER_PASSWORD)).json();
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { host: school.host, authorization: `Bearer ${again.accessToken}` },
    });
    expect(out.statusCode).toBe(204);
    expect((await me(school.host, again.accessToken)).json().error.code).toBe('SESSION_REVOKED');
    expect((await refresh(school.host, again.refreshToken)).statusCode).toBe(401);
  });

  it('refuses a token, and a refresh token, at another school', async () => {
    const a = await registerSchool(t.app);
    const b = await registerSchool(t.app);
    const tokens = await signIn(t.app, a.host, a.ownerUsername);
    const atB = await me(b.host, tokens.accessToken);
    expect(atB.statusCode).toBe(401);
    expect(atB.json().error.code).toBe('INVALID_TOKEN');
    expect((await refresh(b.host, tokens.refreshToken)).json().error.code).toBe(
      'INVALID_REFRESH_TOKEN',
    );
    // Nor at the platform address.
    expect((await me('localhost', tokens.accessToken)).statusCode).toBe(401);
    expect((await me(a.host, tokens.accessToken)).statusCode).toBe(200);
  });

  it('gives the same local username in two schools to two different people', async () => {
    const a = await registerSchool(t.app);
    const b = await registerSchool(t.app);
    expect(a.ownerUsername).toBe(b.ownerUsername);
    expect(a.ownerUserId).not.toBe(b.ownerUserId);
    expect((await signIn(t.app, a.host, a.ownerUsername)).accessToken).toBeTruthy();
    const atA = await me(a.host, (await signIn(t.app, a.host, a.ownerUsername)).accessToken);
    const atB = await me(b.host, (await signIn(t.app, b.host, b.ownerUsername)).accessToken);
    expect(atA.json().user.id).toBe(a.ownerUserId);
    expect(atB.json().user.id).toBe(b.ownerUserId);
  });

  it('lets one global account hold two local usernames in two schools', async () => {
    const email = `twice-${Date.now()}@example.org`;
    const first = await registerSchool(t.app, { email });
    // A second school comes from the account itself, once its email is proved.
    const { token } = await mailTo(email, { template: 'verify-email' });
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/auth/verify-email',
      headers: { host: 'localhost' },
      payload: { token },
    });
    expect(verified.statusCode).toBe(200);
    const atPlatform = await signIn(t.app, 'localhost', email);
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: { host: 'localhost', ...atPlatform.bearer },
      payload: {
        name: 'Second',
        subdomain: `second${first.slug}`,
        owner: { firstName: 'Olive', middleName: 'May', lastName: 'Owner' },
      },
    });
    expect(second.statusCode).toBe(201);
    const secondHost = second.json().organization.host;
    expect(second.json().owner).toMatchObject({
      userId: first.ownerUserId,
      username: 'olivemayowner',
    });
    const atFirst = await signIn(t.app, first.host, first.ownerUsername);
    const atSecond = await signIn(t.app, secondHost, 'olivemayowner');
    expect((await me(first.host, atFirst.accessToken)).json().user.id).toBe(first.ownerUserId);
    expect((await me(secondHost, atSecond.accessToken)).json().user.id).toBe(first.ownerUserId);
    // A school's username does not open the other school.
    expect((await login(secondHost, first.ownerUsername, OWNER_PASSWORD)).statusCode).toBe(401);
  });

  it('answers an unknown user and a wrong password alike, in code, message and time', async () => {
    const school = await registerSchool(t.app);
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    let unknown, wrong;
    for (let i = 0; i < 5; i++) {
      let started = performance.now();
      unknown = await login(school.host, `nobody${i}`, 'whatever password', `198.51.100.${i + 1}`);
      unknownTimes.push(performance.now() - started);
      started = performance.now();
      wrong = await login(
        school.host,
        school.ownerUsername,
        `wrong password ${i}`,
        `198.51.100.${i + 1}`,
      );
      wrongTimes.push(performance.now() - started);
    }
    expect(unknown!.statusCode).toBe(401);
    expect(wrong!.statusCode).toBe(401);
    expect(unknown!.json().error).toEqual(wrong!.json().error);
    expect(unknown!.json().error.code).toBe('INVALID_CREDENTIALS');
    // Both pay for one argon2 verification: an unknown name is not visibly faster.
    expect(median(unknownTimes)).toBeGreaterThan(median(wrongTimes) * 0.5);
  });

  it('throttles repeated failures by name and client without locking the real user out', async () => {
    const school = await registerSchool(t.app);
    const attacker = '203.0.113.7';
    for (let i = 0; i < 5; i++) {
      expect(
        (await login(school.host, school.ownerUsername, 'not the password', attacker)).statusCode,
      ).toBe(401);
    }
    const blocked = await login(school.host, school.ownerUsername, OWNER_PASSWORD, attacker);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The owner, from their own address, still gets in.
    expect(
      (await login(school.host, school.ownerUsername, OWNER_PASSWORD, '192.0.2.10')).statusCode,
    ).toBe(200);
    await withOwnerClient(async (db) => {
      const row = await db.query('SELECT failed_login_count FROM users WHERE id = $1', [
        school.ownerUserId,
      ]);
      expect(row.rows[0].failed_login_count).toBe(0);
    });
  });

  it('enforces a forced password change on every endpoint but me, change-password and logout', async () => {
    const school = await registerSchool(t.app);
    await withOwnerClient((db) =>
      db.query('UPDATE users SET must_change_password = true WHERE id = $1', [school.ownerUserId]),
    );
    const session = await signIn(t.app, school.host, school.ownerUsername);
    expect(session.mustChangePassword).toBe(true);
    const auth = { host: school.host, ...session.bearer };

    const allowed = new Set([
      '/api/auth/me',
      '/api/auth/change-password',
      '/api/auth/logout',
      '/api/auth/login',
      '/api/auth/refresh',
      // Public: they serve someone who cannot sign in.
      '/api/auth/forgot-password',
      '/api/auth/reset-password',
    ]);
    // Public: the school's branding, and eSewa sending a payer's browser back (no sign-in there:
    // the platform's payments and families' fee payments alike). And proving an email with
    // the mailed token, which needs no sign-in either.
    const open = new Set([
      'GET /api/school',
      'GET /api/payments/verify',
      'GET /api/fees/esewa/verify',
      'GET /health',
      'POST /api/auth/verify-email',
    ]);
    const document = (await t.app.inject({ url: '/docs-json' })).json();
    let checked = 0;
    for (const [path, operations] of Object.entries<Record<string, unknown>>(document.paths)) {
      if (allowed.has(path) || path.startsWith('/api/organizations')) continue;
      for (const method of Object.keys(operations)) {
        if (open.has(`${method.toUpperCase()} ${path}`)) continue;
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-0000-0000-000000000000');
        const response = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          headers: auth,
          payload: {},
        });
        expect({ route: `${method} ${path}`, code: response.json().error?.code }).toEqual({
          route: `${method} ${path}`,
          code: 'PASSWORD_CHANGE_REQUIRED',
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect((await me(school.host, session.accessToken)).statusCode).toBe(200);

    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/change-password',
      headers: auth,
      payload: { currentPassword: OWNER_PASSWORD, newPassword: 'purple elephant orbit' },
    });
    expect(changed.statusCode).toBe(200);
    const fresh = changed.json().accessToken;
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: school.host, authorization: `Bearer ${fresh}` },
      payload: { locale: 'fr' },
    });
    expect(patch.statusCode).toBe(200);
  });

  it('changes a password under the rules and ends every other session', async () => {
    const school = await registerSchool(t.app);
    const other = await signIn(t.app, school.host, school.ownerUsername);
    const current = await signIn(t.app, school.host, school.ownerUsername);
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/change-password',
        headers: { host: school.host, ...current.bearer },
        payload: { currentPassword, newPassword },
      });
    for (const weak of ['short', school.ownerUsername, 'password123', OWNER_PASSWORD]) {
      const refused = await change(OWNER_PASSWORD, weak);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'newPassword' }],
      });
    }
    expect((await change('not my password', 'a brand new secret')).json().error.code).toBe(
      'INVALID_CURRENT_PASSWORD',
    );

    const done = await change(OWNER_PASSWORD, 'a brand new secret');
    expect(done.statusCode).toBe(200);
    expect((await me(school.host, other.accessToken)).json().error.code).toBe('SESSION_REVOKED');
    expect((await refresh(school.host, other.refreshToken)).statusCode).toBe(401);
    expect((await me(school.host, current.accessToken)).statusCode).toBe(200);
    expect((await login(school.host, school.ownerUsername, OWNER_PASSWORD)).statusCode).toBe(401);
    expect((await login(school.host, school.ownerUsername, 'a brand new secret')).statusCode).toBe(
      200,
    );
  });

  it('accepts the session cookie, and demands the CSRF header for changes made with it', async () => {
    const school = await registerSchool(t.app);
    const session = await signIn(t.app, school.host, school.ownerUsername);
    const cookie = `sy_access=${session.cookies.sy_access}; sy_csrf=${session.cookies.sy_csrf}`;
    expect(
      (await t.app.inject({ url: '/api/auth/me', headers: { host: school.host, cookie } }))
        .statusCode,
    ).toBe(200);
    const patch = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/school',
        headers: { host: school.host, cookie, ...headers },
        payload: { locale: 'de' },
      });
    const forged = await patch({});
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await patch({ 'x-csrf-token': 'guess' })).statusCode).toBe(403);
    expect((await patch({ 'x-csrf-token': session.cookies.sy_csrf })).statusCode).toBe(200);

    const viaCookie = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: {},
      headers: { host: school.host, cookie: `sy_refresh=${session.cookies.sy_refresh}` },
    });
    expect(viaCookie.json().error.code).toBe('CSRF_TOKEN_INVALID');
    const withEcho = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: {},
      headers: {
        host: school.host,
        cookie: `sy_refresh=${session.cookies.sy_refresh}`,
        'x-csrf-token': session.cookies.sy_csrf,
      },
    });
    expect(withEcho.statusCode).toBe(200);
  });

  it('answers 401 AUTHENTICATION_REQUIRED without a token and INVALID_TOKEN for a forged one', async () => {
    const school = await registerSchool(t.app);
    const none = await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: school.host },
      payload: { locale: 'fr' },
    });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('AUTHENTICATION_REQUIRED');
    const session = await signIn(t.app, school.host, school.ownerUsername);
    const [header, body] = session.accessToken.split('.');
    const forged = await me(school.host, `${header}.${body}.AAAA`);
    expect(forged.json().error.code).toBe('INVALID_TOKEN');
  });

  it('seeds the platform admin idempotently and signs them in by email at the platform address', async () => {
    const email = `admin-${Date.now()}@platform.example`;
    const passwords = new Passwords(t.config);
    expect(
      await seedPlatformAdmin(t.urls.ownerUrl, passwords, {
        email,
        password: 'platform admin secret',
      }),
    ).toBe('created');
    expect(
      await seedPlatformAdmin(t.urls.ownerUrl, passwords, { email, password: 'another password' }),
    ).toBe('unchanged');
    const response = await login('localhost', email.toUpperCase(), 'platform admin secret');
    expect(response.statusCode).toBe(200);
    expect(response.json().school).toBeNull();
    const who = await me('localhost', response.json().accessToken);
    expect(who.json()).toMatchObject({
      user: { email, isPlatformAdmin: true },
      school: null,
      profile: null,
    });
    // A school owner is no platform admin.
    const owner = await registerSchool(t.app);
    expect(
      (await login('localhost', `owner@${owner.slug}.example`, OWNER_PASSWORD)).statusCode,
    ).toBe(401);
  });

  it('allocates the next free local username in a school', async () => {
    const school = await registerSchool(t.app);
    const resolved = (await t.app.get(SchoolDirectory).findByHost(school.host))!;
    const names = await t.app.get(TenantTransactions).run(resolved, async (manager) => {
      const made: string[] = [];
      for (const [first, middle, last] of [
        ['José', null, 'Núñez'],
        ['Jose', '', 'Nunez'],
        ['JOSÉ', undefined, 'NÚÑEZ'],
        ['José', 'María', 'Núñez'],
      ] as const) {
        const username = await allocateLocalUsername(manager, first, middle, last);
        await manager.query(
          `INSERT INTO profiles (kind, first_name, middle_name, last_name, local_username) VALUES ('student', $1, $2, $3, $4)`,
          [first, middle ?? null, last, username],
        );
        made.push(username);
      }
      return made;
    });
    expect(names).toEqual(['josenunez', 'josenunez2', 'josenunez3', 'josemarianunez']);
  });

  it('keeps global usernames unique across the platform', async () => {
    const schools: RegisteredSchool[] = [];
    for (let i = 0; i < 4; i++) schools.push(await registerSchool(t.app));
    await withOwnerClient(async (db) => {
      const rows = await db.query('SELECT global_username FROM users WHERE id = ANY($1)', [
        schools.map((s) => s.ownerUserId),
      ]);
      const names = rows.rows.map((r) => r.global_username);
      expect(new Set(names).size).toBe(4);
      for (const name of names) expect(name).toMatch(/^oliveowner_[0-9a-f]{6}$/);
      await expect(
        db.query(`INSERT INTO users (global_username, password_hash) VALUES ($1, 'x')`, [names[0]]),
      ).rejects.toMatchObject({ code: '23505' });
    });
  });
});
