import { Controller, Get } from '@nestjs/common';
import { Route, type RouteDeclaration } from '@schoolyard/common';
import { Passwords, seedPlatformAdmin } from '@schoolyard/identity';
import { mailTo } from './support/mailbox';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  signIn,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';
import { caller } from './support/caller';

/** A platform route written for admins, as an operator's tooling would add one. */
@Controller('test/platform-admin')
class PlatformAdminProbe {
  @Route({ at: 'platform', access: 'platform-admin' })
  @Get()
  marked(): { ok: true } {
    return { ok: true };
  }

  /**
   * Declares no access, which its type forbids (hence the cast): at the platform that must
   * mean admins only, not every account.
   */
  @Route({ at: 'platform' } as unknown as RouteDeclaration)
  @Get('undeclared')
  undeclared(): { ok: true } {
    return { ok: true };
  }
}

describe('account email: verification, change, schools from an account', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, [PlatformAdminProbe]);
  });
  afterAll(async () => {
    await t.close();
  });

  const call = caller(() => t);
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    call({ host: 'localhost' }, null, 'POST', url, payload, headers);
  const verify = (token: string | null) => post('/api/auth/verify-email', { token: token ?? '' });

  /** A school whose owner has proved their email, signed in at the platform. */
  async function verifiedOwner() {
    const email = `owner-${uniqueSubdomain()}@example.org`;
    const school = await registerSchool(t.app, { email });
    expect(
      (await verify((await mailTo(email, { template: 'verify-email' })).token)).statusCode,
    ).toBe(200);
    return { school, email, platform: await signIn(t.app, 'localhost', email) };
  }

  /** Mail sent a while ago, so the once-a-minute rule does not stand in a test's way. */
  const ageMail = (userId: string) =>
    withOwnerClient((db) =>
      db.query(
        `UPDATE account_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = $1`,
        [userId],
      ),
    );

  it('refuses an expired token, an unknown one and a malformed one, changing nothing', async () => {
    const email = `late-${uniqueSubdomain()}@example.org`;
    const school = await registerSchool(t.app, { email });
    const { token } = await mailTo(email, { template: 'verify-email' });
    await withOwnerClient((db) =>
      db.query(
        `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
        [school.ownerUserId],
      ),
    );
    const expired = await verify(token);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('VERIFICATION_TOKEN_EXPIRED');
    const unknown = await verify('A'.repeat(43));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('VERIFICATION_TOKEN_INVALID');
    expect((await verify('not a token!')).json().error.code).toBe('VALIDATION_FAILED');
    const account = await withOwnerClient((db) =>
      db.query('SELECT email_verified_at FROM users WHERE id = $1', [school.ownerUserId]),
    );
    expect(account.rows[0].email_verified_at).toBeNull();
  });

  it('resends the message to an owner who works unverified, once a minute', async () => {
    const email = `resend-${uniqueSubdomain()}@example.org`;
    const school = await registerSchool(t.app, { email });
    // The owner signs in at their school and works while verification is pending.
    const session = await signIn(t.app, school.host, school.ownerUsername);
    const headers = { host: school.host, ...session.bearer };
    const soon = await t.app.inject({
      method: 'POST',
      url: '/api/auth/resend-verification',
      headers,
    });
    expect(soon.statusCode).toBe(429);
    expect(soon.json().error.details.scope).toBe('verification-mail');
    expect(Number(soon.headers['retry-after'])).toBeGreaterThan(0);

    await ageMail(school.ownerUserId);
    const first = (await mailTo(email, { template: 'verify-email' })).token;
    const resent = await t.app.inject({
      method: 'POST',
      url: '/api/auth/resend-verification',
      headers,
    });
    expect(resent.statusCode).toBe(202);
    expect(resent.json()).toEqual({ email });
    const second = (await mailTo(email, { template: 'verify-email', nth: 2 })).token;
    expect(second).not.toBe(first);
    expect((await verify(second)).statusCode).toBe(200);
    const done = await t.app.inject({
      method: 'POST',
      url: '/api/auth/resend-verification',
      headers,
    });
    expect(done.statusCode).toBe(409);
    expect(done.json().error.code).toBe('EMAIL_ALREADY_VERIFIED');
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/resend-verification',
          headers: { host: 'localhost' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('changes the email with the password; the verified address stays until the new one is proved', async () => {
    const { school, email, platform } = await verifiedOwner();
    const headers = platform.bearer;
    const next = `moved-${uniqueSubdomain()}@example.org`;
    const wrong = await post(
      '/api/auth/email',
      { email: next, password: 'not my password' },
      headers,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('INVALID_CURRENT_PASSWORD');

    const asked = await post('/api/auth/email', { email: next, password: OWNER_PASSWORD }, headers);
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({ email: next });
    const before = await withOwnerClient((db) =>
      db.query('SELECT email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [
        school.ownerUserId,
      ]),
    );
    expect(before.rows[0]).toEqual({ email, verified: true });
    expect((await signIn(t.app, 'localhost', email)).accessToken).toEqual(expect.any(String));

    const { token } = await mailTo(next, { template: 'verify-email' });
    expect((await verify(token)).json()).toEqual({ email: next, verified: true });
    const after = await withOwnerClient((db) =>
      db.query('SELECT email FROM users WHERE id = $1', [school.ownerUserId]),
    );
    expect(after.rows[0].email).toBe(next);
    expect((await signIn(t.app, 'localhost', next)).accessToken).toEqual(expect.any(String));
  });

  it('refuses to verify an address another account has verified', async () => {
    const { email } = await verifiedOwner();
    const other = await registerSchool(t.app);
    const session = await signIn(t.app, other.host, other.ownerUsername);
    await ageMail(other.ownerUserId);
    const asked = await post(
      '/api/auth/email',
      { email, password: OWNER_PASSWORD },
      { host: other.host, ...session.bearer },
    );
    expect(asked.statusCode).toBe(202);
    // The holder's own registration mail came first.
    const { token } = await mailTo(email, { template: 'verify-email', nth: 2 });
    const refused = await verify(token);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('EMAIL_TAKEN');
  });

  it('creates another school owned by a verified account signed in at the platform', async () => {
    const { school, platform } = await verifiedOwner();
    const subdomain = uniqueSubdomain('more-');
    const body = {
      name: 'Second Campus',
      subdomain,
      owner: { firstName: 'Olive', lastName: 'Owner' },
    };
    expect((await post('/api/organizations', body)).statusCode).toBe(401);
    const made = await post('/api/organizations', body, platform.bearer);
    expect(made.statusCode).toBe(201);
    expect(made.json().owner).toMatchObject({
      userId: school.ownerUserId,
      username: 'oliveowner',
      emailVerified: true,
    });
    const host: string = made.json().organization.host;
    const there = await signIn(t.app, host, 'oliveowner');
    const me = await t.app.inject({ url: '/api/auth/me', headers: { host, ...there.bearer } });
    expect(me.json()).toMatchObject({
      user: { id: school.ownerUserId },
      roles: [expect.objectContaining({ systemKey: 'owner' })],
    });
    const via = await withOwnerClient((db) =>
      db.query('SELECT via FROM school_memberships WHERE user_id = $1 AND organization_id = $2', [
        school.ownerUserId,
        made.json().organization.id,
      ]),
    );
    expect(via.rows).toEqual([{ via: 'registered' }]);
    // A password is no part of it: a body with one is refused.
    const withPassword = await post(
      '/api/organizations',
      { ...body, subdomain: uniqueSubdomain(), owner: { ...body.owner, password: OWNER_PASSWORD } },
      platform.bearer,
    );
    expect(withPassword.statusCode).toBe(400);

    // An account whose proof is withdrawn (an operator's doing) may not.
    await withOwnerClient((db) =>
      db.query('UPDATE users SET email_verified_at = NULL WHERE id = $1', [school.ownerUserId]),
    );
    const unverified = await post(
      '/api/organizations',
      { ...body, subdomain: uniqueSubdomain() },
      platform.bearer,
    );
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe('EMAIL_NOT_VERIFIED');
  });

  it('keeps platform-admin routes for admins when any verified account signs in there', async () => {
    const { platform } = await verifiedOwner();
    const me = await t.app.inject({
      url: '/api/auth/me',
      headers: { host: 'localhost', ...platform.bearer },
    });
    expect(me.json().user.isPlatformAdmin).toBe(false);
    for (const url of ['/test/platform-admin', '/test/platform-admin/undeclared']) {
      const refused = await t.app.inject({
        url,
        headers: { host: 'localhost', ...platform.bearer },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('PLATFORM_ADMIN_REQUIRED');
    }

    const email = `admin-${uniqueSubdomain()}@platform.example`;
    await seedPlatformAdmin(t.urls.ownerUrl, new Passwords(t.config), {
      email,
      password: 'platform admin secret',
    });
    const admin = await signIn(t.app, 'localhost', email, 'platform admin secret');
    for (const url of ['/test/platform-admin', '/test/platform-admin/undeclared']) {
      const served = await t.app.inject({ url, headers: { host: 'localhost', ...admin.bearer } });
      expect(served.statusCode).toBe(200);
    }
  });

  it('never promotes an unverified claim of the admin address', async () => {
    const email = `claimed-admin-${uniqueSubdomain()}@platform.example`;
    const squatter = await registerSchool(t.app, { email });
    const outcome = await seedPlatformAdmin(t.urls.ownerUrl, new Passwords(t.config), {
      email,
      password: 'platform admin secret',
    });
    expect(outcome).toBe('created');
    const rows = await withOwnerClient((db) =>
      db.query<{ id: string; email: string | null; is_platform_admin: boolean }>(
        'SELECT id, email, is_platform_admin FROM users WHERE id = $1',
        [squatter.ownerUserId],
      ),
    );
    expect(rows.rows[0]).toMatchObject({ email: null, is_platform_admin: false });
    expect((await signIn(t.app, 'localhost', email, 'platform admin secret')).accessToken).toEqual(
      expect.any(String),
    );
  });
});
