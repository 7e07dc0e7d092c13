import { mailTo } from './support/mailbox';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';
import { caller } from './support/caller';

interface Activated {
  profileId: string;
  userId: string;
  username: string;
  temporaryPassword: string;
}

/**
 * Accounts cross schools only by their holder's consent (invariant 7). Each attack here got
 * through before: a pre-claimed email captured a teacher's account at a real school, and any
 * school could link and watch any account by typing its email.
 */
describe('linking an existing account to a school', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
  });
  afterAll(async () => {
    await t.close();
  });

  const call = caller(() => t);

  async function schoolWithOwner(email?: string) {
    const school = await registerSchool(t.app, email ? { email } : {});
    return { school, owner: await signIn(t.app, school.host, school.ownerUsername) };
  }

  /** Marks an account's email as proved, as its holder's verification would. */
  const verifyEmailOf = (userId: string) =>
    withOwnerClient((db) =>
      db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [userId]),
    );

  async function onboardAndActivate(
    school: RegisteredSchool,
    owner: SignedIn,
    person: { firstName: string; lastName: string; email: string },
  ): Promise<Activated> {
    const staff = await call(school, owner, 'POST', '/api/staff/onboard-instructor', person);
    expect(staff.statusCode).toBe(201);
    const id = staff.json<{ id: string }>().id;
    const activation = await call(school, owner, 'POST', '/api/staff/activate-instructor', {
      staffIds: [id],
    });
    expect(activation.statusCode).toBe(200);
    return activation.json<{ activated: Activated[] }>().activated[0];
  }

  const outboxFor = (email: string) =>
    withOwnerClient(async (db) => {
      const rows = await db.query<{ template: string }>(
        'SELECT template FROM mail_outbox WHERE lower(recipient) = lower($1)',
        [email],
      );
      return rows.rows.map((row) => row.template);
    });

  it('a pre-claimed email gives the attacker nothing at the school that onboards its holder', async () => {
    const teacherEmail = `teacher-${uniqueSubdomain()}@example.org`;
    // The attacker registers a throw-away school with the teacher's email and a password of theirs.
    const throwaway = await schoolWithOwner(teacherEmail);
    const real = await schoolWithOwner();
    const activated = await onboardAndActivate(real.school, real.owner, {
      firstName: 'Tess',
      lastName: 'Teacher',
      email: teacherEmail,
    });
    // The school gets an account of its own making for her, with a slip to hand her.
    expect(activated.userId).not.toBe(throwaway.school.ownerUserId);
    expect(activated.temporaryPassword).toMatch(/^[A-Za-z2-9]{5}-[A-Za-z2-9]{5}-[A-Za-z2-9]{5}$/);

    // The attacker's password does not open the teacher's account at the real school.
    const attempt = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: real.school.host },
      payload: { username: activated.username, password: OWNER_PASSWORD },
    });
    expect(attempt.statusCode).toBe(401);
    // The real teacher signs in with the slip.
    const teacher = await signIn(
      t.app,
      real.school.host,
      activated.username,
      activated.temporaryPassword,
    );
    expect(teacher.mustChangePassword).toBe(true);

    await withOwnerClient(async (db) => {
      const memberships = await db.query(
        'SELECT 1 FROM school_memberships WHERE user_id = $1 AND organization_id = $2',
        [throwaway.school.ownerUserId, real.school.id],
      );
      expect(memberships.rowCount).toBe(0);
    });
    // An unverified claim is never invited to link.
    expect(await outboxFor(teacherEmail)).not.toContain('link-invitation');
  });

  it("answers activation alike whether or not the email belongs to another school's verified account", async () => {
    const other = await schoolWithOwner();
    const otherEmail = `owner@${other.school.slug}.example`;
    await verifyEmailOf(other.school.ownerUserId);
    const { school, owner } = await schoolWithOwner();

    const known = await onboardAndActivate(school, owner, {
      firstName: 'Kim',
      lastName: 'Known',
      email: otherEmail,
    });
    const fresh = await onboardAndActivate(school, owner, {
      firstName: 'Fay',
      lastName: 'Fresh',
      email: `fresh-${uniqueSubdomain()}@example.org`,
    });
    expect(Object.keys(known).sort()).toEqual(Object.keys(fresh).sort());
    expect(typeof known.temporaryPassword).toBe('string');
    expect(known.userId).not.toBe(other.school.ownerUserId);

    // The school sees its own account for the person, never the other school's owner's.
    const list = await call(school, owner, 'GET', '/api/staff');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(other.school.ownerUserId);
    // The holder was invited by mail, and is not linked until they accept.
    expect((await mailTo(otherEmail, { template: 'link-invitation' })).token).toEqual(
      expect.any(String),
    );
    await withOwnerClient(async (db) => {
      const memberships = await db.query(
        'SELECT 1 FROM school_memberships WHERE user_id = $1 AND organization_id = $2',
        [other.school.ownerUserId, school.id],
      );
      expect(memberships.rowCount).toBe(0);
    });
  });

  it('links the holder who accepts with their password, once, and retires the school-made account', async () => {
    const home = await schoolWithOwner();
    const email = `owner@${home.school.slug}.example`;
    await verifyEmailOf(home.school.ownerUserId);
    const { school, owner } = await schoolWithOwner();
    const activated = await onboardAndActivate(school, owner, {
      firstName: 'Hal',
      lastName: 'Holder',
      email,
    });
    const { token } = await mailTo(email, { template: 'link-invitation' });
    expect(token).toEqual(expect.any(String));

    const accept = (payload: object, host = 'localhost') =>
      t.app.inject({ method: 'POST', url: '/api/auth/accept-link', headers: { host }, payload });

    // Neither a wrong password nor no proof at all links anything.
    expect((await accept({ token, password: 'not the password at all' })).statusCode).toBe(401);
    const anonymous = await accept({ token });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { code: 'AUTHENTICATION_REQUIRED' } });
    // Someone else's account, signed in, cannot take the invitation either.
    const stranger = await schoolWithOwner();
    const notTheirs = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-link',
      headers: { host: stranger.school.host, ...stranger.owner.bearer },
      payload: { token },
    });
    expect(notTheirs.statusCode).toBe(403);
    expect(notTheirs.json()).toMatchObject({ error: { code: 'LINK_FOR_ANOTHER_ACCOUNT' } });

    const accepted = await accept({ token, password: OWNER_PASSWORD });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({
      school: { slug: school.slug, name: school.name, host: school.host },
      username: activated.username,
    });
    // Once only.
    const again = await accept({ token, password: OWNER_PASSWORD });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ error: { code: 'LINK_TOKEN_INVALID' } });

    // The holder signs in at the school with the local username and their own password, with
    // the role the school gave the person; the temporary account is gone.
    const holder = await signIn(t.app, school.host, activated.username, OWNER_PASSWORD);
    expect(holder.mustChangePassword).toBe(false);
    const me = await call(school, holder, 'GET', '/api/auth/me');
    expect(me.json()).toMatchObject({
      user: { id: home.school.ownerUserId },
      roles: [{ systemKey: 'instructor' }],
    });
    const slip = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: school.host },
      payload: { username: activated.username, password: activated.temporaryPassword },
    });
    expect(slip.statusCode).toBe(401);
    await withOwnerClient(async (db) => {
      expect(
        (await db.query('SELECT 1 FROM users WHERE id = $1', [activated.userId])).rowCount,
      ).toBe(0);
      const membership = await db.query(
        'SELECT via FROM school_memberships WHERE user_id = $1 AND organization_id = $2',
        [home.school.ownerUserId, school.id],
      );
      expect(membership.rows).toEqual([{ via: 'consented' }]);
    });
  });

  it('accepts for the signed-in holder at any address, and refuses an expired invitation', async () => {
    const home = await schoolWithOwner();
    const email = `owner@${home.school.slug}.example`;
    await verifyEmailOf(home.school.ownerUserId);
    const first = await schoolWithOwner();
    const second = await schoolWithOwner();
    await onboardAndActivate(first.school, first.owner, {
      firstName: 'Sam',
      lastName: 'One',
      email,
    });
    const { token: firstToken } = await mailTo(email, { template: 'link-invitation' });
    await onboardAndActivate(second.school, second.owner, {
      firstName: 'Sam',
      lastName: 'Two',
      email,
    });
    const { token: secondToken } = await mailTo(email, { template: 'link-invitation', nth: 2 });
    expect(secondToken).not.toBe(firstToken);

    // Signed in at their own school, the holder accepts the first school's invitation.
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-link',
      headers: { host: home.school.host, ...home.owner.bearer },
      payload: { token: firstToken },
    });
    expect(accepted.statusCode).toBe(200);

    // The second invitation has expired meanwhile.
    await withOwnerClient((db) =>
      db.query(
        `UPDATE account_tokens SET expires_at = now() - interval '1 second'
          WHERE purpose = 'link_school' AND organization_id = $1`,
        [second.school.id],
      ),
    );
    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-link',
      headers: { host: home.school.host, ...home.owner.bearer },
      payload: { token: secondToken },
    });
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ error: { code: 'LINK_TOKEN_INVALID' } });
    await withOwnerClient(async (db) => {
      const schools = await db.query(
        'SELECT organization_id FROM school_memberships WHERE user_id = $1 ORDER BY organization_id',
        [home.school.ownerUserId],
      );
      expect(schools.rows.map((row) => row.organization_id).sort()).toEqual(
        [home.school.id, first.school.id].sort(),
      );
    });
  });

  it('refuses malformed input with the shared error shape', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-link',
      headers: { host: 'localhost' },
      payload: { token: 'short', extra: true },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  describe('at SQL level, inside a school role', () => {
    /** Runs `sql` as `school`'s database role, as a request of that school would. */
    const asSchool = <T>(
      school: RegisteredSchool,
      work: (query: (sql: string, values?: unknown[]) => Promise<T>) => Promise<void>,
    ) =>
      withOwnerClient(async (db) => {
        const role = await db.query<{ db_role: string }>(
          'SELECT db_role FROM organizations WHERE id = $1',
          [school.id],
        );
        await db.query('BEGIN');
        try {
          await db.query(`SELECT set_config('role', $1, true)`, [role.rows[0].db_role]);
          // Each statement in a savepoint, so one refusal does not abort the next.
          await work(async (sql, values) => {
            await db.query('SAVEPOINT statement');
            try {
              const rows = (await db.query(sql, values)).rows as T;
              await db.query('RELEASE SAVEPOINT statement');
              return rows;
            } catch (error) {
              await db.query('ROLLBACK TO SAVEPOINT statement');
              throw error;
            }
          });
        } finally {
          await db.query('ROLLBACK');
        }
      });

    const refusal = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };

    it('cannot link an account without an accepted invitation, nor read another school’s account', async () => {
      const victim = await schoolWithOwner();
      await verifyEmailOf(victim.school.ownerUserId);
      const { school } = await schoolWithOwner();
      const victimId = victim.school.ownerUserId;
      await asSchool(school, async (query) => {
        // The old ways: gone.
        expect(
          await refusal(query('SELECT public.link_school_accounts($1::uuid[])', [[victimId]])),
        ).toBe('42883');
        expect(
          await refusal(
            query('SELECT * FROM public.accounts_by_email($1::text[])', [
              [`owner@${victim.school.slug}.example`],
            ]),
          ),
        ).toBe('42883');
        // Straight at the tables: no privilege.
        expect(
          await refusal(
            query(
              'INSERT INTO public.school_memberships (user_id, organization_id) VALUES ($1, $2)',
              [victimId, school.id],
            ),
          ),
        ).toBe('42501');
        expect(await refusal(query('SELECT email FROM public.users'))).toBe('42501');
        expect(await refusal(query('SELECT * FROM public.account_tokens'))).toBe('42501');
        expect(await refusal(query('SELECT * FROM public.mail_outbox'))).toBe('42501');
      });
      await asSchool(school, async (query) => {
        // A guessed token links nothing; the account's details stay hidden.
        expect(
          await query('SELECT * FROM public.accept_account_link($1)', [
            'guessed-token-guessed-token',
          ]),
        ).toEqual([]);
        expect(
          await query('SELECT * FROM public.school_accounts($1::uuid[])', [[victimId]]),
        ).toEqual([]);
        await query('SELECT public.retire_school_account($1)', [victimId]);
      });
      await withOwnerClient(async (db) => {
        const memberships = await db.query(
          'SELECT organization_id FROM school_memberships WHERE user_id = $1',
          [victimId],
        );
        expect(memberships.rows).toEqual([{ organization_id: victim.school.id }]);
      });
    });

    it('cannot choose a link token, nor sign in as an account by pointing a profile at it', async () => {
      const victim = await schoolWithOwner();
      const victimEmail = `owner@${victim.school.slug}.example`;
      await verifyEmailOf(victim.school.ownerUserId);
      const { school, owner } = await schoolWithOwner();
      const person = await call(school, owner, 'POST', '/api/staff/onboard-instructor', {
        firstName: 'Pat',
        lastName: 'Pointer',
        email: victimEmail,
      });
      const profileId = person.json<{ id: string }>().id;
      await asSchool(school, async (query) => {
        // The old signature took the caller's tokens: it is gone.
        expect(
          await refusal(
            query(
              'SELECT public.invite_account_links($1::uuid[], $2::text[], $3::text[], $4::interval)',
              [[profileId], [victimEmail], ['chosen-token-chosen-token'], '1 day'],
            ),
          ),
        ).toBe('42883');
        await query('SELECT public.invite_account_links($1::uuid[], $2::text[], $3::interval)', [
          [profileId],
          [victimEmail],
          '1 day',
        ]);
        expect(
          await query('SELECT * FROM public.accept_account_link($1)', [
            'chosen-token-chosen-token',
          ]),
        ).toEqual([]);
      });

      // SQL in the school points a profile with a username at the victim's account: the
      // victim's password still opens nothing here, since the account is not this school's.
      const schema = `school_${school.slug}`;
      await withOwnerClient((db) =>
        db.query(
          `INSERT INTO "${schema}".profiles (kind, first_name, last_name, local_username, user_id)
           VALUES ('staff', 'Vic', 'Tim', 'victimhere', $1)`,
          [victim.school.ownerUserId],
        ),
      );
      const attempt = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: school.host },
        payload: { username: 'victimhere', password: OWNER_PASSWORD },
      });
      expect(attempt.statusCode).toBe(401);
    });

    it('refuses hashes outside the platform’s format and parameters', async () => {
      const { school } = await schoolWithOwner();
      const salt = 'c29tZXNhbHRzb21lc2FsdA';
      const digest = 'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY';
      for (const hash of [
        'not a hash',
        `$argon2i$v=19$m=19456,t=2,p=1$${salt}$${digest}`,
        `$argon2id$v=19$m=4194304,t=2,p=1$${salt}$${digest}`,
        `$argon2id$v=19$m=19456,t=99,p=1$${salt}$${digest}`,
        `$argon2id$v=19$t=2,t=2,p=1$${salt}$${digest}`,
      ]) {
        await asSchool(school, async (query) => {
          const code = await refusal(
            query(
              `SELECT * FROM public.create_school_accounts(ARRAY[gen_random_uuid()], ARRAY['x_' || md5(random()::text)],
                 ARRAY[NULL::text], ARRAY[$1], ARRAY[NULL::text])`,
              [hash],
            ),
          );
          expect(code).toBe('22023');
        });
      }
    });
  });
});
