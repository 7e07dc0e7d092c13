import { accountTokenHash } from '@schoolyard/identity';
import { randomBytes } from 'node:crypto';
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

describe('password reset by email', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const forgot = (host: string, email: string, remoteAddress = '192.0.2.90') =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/forgot-password',
      headers: { host },
      remoteAddress,
      payload: { email },
    });
  const reset = (host: string, token: string, newPassword: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/reset-password',
      headers: { host },
      payload: { token, newPassword },
    });
  const login = (host: string, username: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host },
      remoteAddress: '192.0.2.91',
      payload: { username, password },
    });

  /** A school whose owner's email is verified (or not), and that email. */
  async function schoolWithOwnerEmail(verified: boolean) {
    const email = `reset-${randomBytes(5).toString('hex')}@example.org`;
    const school = await registerSchool(t.app, { email });
    await withOwnerClient((db) =>
      db.query('UPDATE users SET email_verified_at = $2 WHERE id = $1', [
        school.ownerUserId,
        verified ? new Date() : null,
      ]),
    );
    return { school, email };
  }

  /** The newest reset mail to `email` whose token is not `previous`. */
  async function nextResetMail(email: string, previous: string | null = null) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mail = await mailTo(email, { template: 'password-reset' });
      if (mail.token && mail.token !== previous) return mail;
      if (Date.now() > deadline) throw new Error(`no new reset mail to ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const answerOf = (response: Awaited<ReturnType<typeof forgot>>) => ({
    status: response.statusCode,
    body: response.body,
    type: response.headers['content-type'],
  });

  it('answers alike for an unknown, an unverified and a verified email, and mails only the verified one', async () => {
    const unverified = await schoolWithOwnerEmail(false);
    const verified = await schoolWithOwnerEmail(true);
    const unknown = await forgot(
      'localhost',
      `nobody-${randomBytes(5).toString('hex')}@example.org`,
    );
    const toUnverified = await forgot(unverified.school.host, unverified.email);
    // Asked at a school's address with any case: the account is still found, by its email.
    const toVerified = await forgot(verified.school.host, verified.email.toUpperCase());
    expect(answerOf(unknown)).toEqual(answerOf(toVerified));
    expect(answerOf(toUnverified)).toEqual(answerOf(toVerified));
    expect(toVerified.statusCode).toBe(202);

    const mail = await nextResetMail(verified.email);
    expect(mail.to).toBe(verified.email);
    // The link points at the platform's host, not at the address the request came to.
    expect(mail.text).not.toContain(verified.school.host);
    await expect(
      mailTo(unverified.email, { template: 'password-reset', timeoutMs: 1000 }),
    ).rejects.toThrow(/no mail/);
    await expect(
      withOwnerClient((db) =>
        db.query<{ purpose: string; user_id: string }>(
          'SELECT purpose, user_id FROM account_tokens WHERE token_hash = $1',
          [accountTokenHash(mail.token!)],
        ),
      ).then((result) => result.rows),
    ).resolves.toEqual([{ purpose: 'reset_password', user_id: verified.school.ownerUserId }]);
  });

  it('sets a new password once, under the password rules, and ends every session', async () => {
    const { school, email } = await schoolWithOwnerEmail(true);
    const before = await signIn(t.app, school.host, school.ownerUsername);
    await withOwnerClient((db) =>
      db.query(
        `UPDATE users SET must_change_password = true, temporary_password = 'sealed',
                temporary_password_school = $2 WHERE id = $1`,
        [school.ownerUserId, school.id],
      ),
    );
    expect((await forgot('localhost', email)).statusCode).toBe(202);
    const { token } = await nextResetMail(email);

    for (const weak of ['short', 'password123', email]) {
      const refused = await reset('localhost', token!, weak);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'newPassword' }],
      });
    }
    const done = await reset('localhost', token!, 'a fresh reset secret');
    expect(done.statusCode).toBe(204);

    const again = await reset('localhost', token!, 'another fresh secret');
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('RESET_TOKEN_USED');

    const me = await t.app.inject({
      url: '/api/auth/me',
      headers: { host: school.host, ...before.bearer },
    });
    expect(me.json().error.code).toBe('SESSION_REVOKED');
    expect((await login(school.host, school.ownerUsername, OWNER_PASSWORD)).statusCode).toBe(401);
    const fresh = await login(school.host, school.ownerUsername, 'a fresh reset secret');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().mustChangePassword).toBe(false);
    await withOwnerClient(async (db) => {
      const row = await db.query(
        'SELECT temporary_password, temporary_password_school FROM users WHERE id = $1',
        [school.ownerUserId],
      );
      expect(row.rows[0]).toEqual({ temporary_password: null, temporary_password_school: null });
    });
  });

  it('refuses an expired token and an unknown one with their own codes', async () => {
    const { school, email }: { school: RegisteredSchool; email: string } =
      await schoolWithOwnerEmail(true);
    await forgot('localhost', email, '192.0.2.92');
    const { token } = await nextResetMail(email);
    await withOwnerClient((db) =>
      db.query(
        `UPDATE account_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`,
        [accountTokenHash(token!)],
      ),
    );
    const expired = await reset(school.host, token!, 'a fresh reset secret');
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('RESET_TOKEN_EXPIRED');

    const unknown = await reset(
      school.host,
      randomBytes(32).toString('base64url'),
      'whatever it is',
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('RESET_TOKEN_INVALID');
    const malformed = await reset(school.host, 'not a token!', 'whatever it is');
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
    expect((await login(school.host, school.ownerUsername, OWNER_PASSWORD)).statusCode).toBe(200);
  });

  it('limits requests per client address, and mails per email without telling', async () => {
    const { email } = await schoolWithOwnerEmail(true);
    const answers: number[] = [];
    for (let i = 0; i < 11; i++)
      answers.push((await forgot('localhost', email, '192.0.2.93')).statusCode);
    expect(answers.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(answers[10]).toBe(429);
    // From other addresses the answers stay 202, but the mailbox gets no more than three.
    for (let i = 0; i < 3; i++) {
      expect((await forgot('localhost', email, `192.0.2.${100 + i}`)).statusCode).toBe(202);
    }
    await nextResetMail(email);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = await withOwnerClient((db) =>
      db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM mail_outbox WHERE recipient = $1 AND template = 'password-reset'`,
        [email],
      ),
    );
    expect(sent.rows[0].n).toBe(3);
  });
});
