import { randomUUID } from 'node:crypto';
import { bodyOf } from './support/caller';
import { GUARDIANS, PEOPLE_KINDS, peopleSuite, STAFF, STUDENTS } from './support/people-kinds';
import {
  createTestApp,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface DeactivationBody {
  deactivated: Array<{ profileId: string; userId: string }>;
  skipped: Array<{ profileId: string; reason: string }>;
}

interface ResetBody {
  profileId: string;
  userId: string;
  username: string;
  temporaryPassword: string;
}

/** The account's row and its links, as the owner account sees them. */
async function accountState(school: RegisteredSchool, userId: string) {
  return withOwnerClient(async (db) => {
    const { rows } = await db.query<{
      is_active: boolean;
      must_change_password: boolean;
      memberships: number;
      roles_here: number;
      live_sessions: number;
    }>(
      `SELECT u.is_active, u.must_change_password,
              (SELECT count(*)::int FROM public.school_memberships m WHERE m.user_id = u.id) AS memberships,
              (SELECT count(*)::int FROM "school_${school.slug}".user_roles ur
                WHERE ur.user_id = u.id) AS roles_here,
              (SELECT count(*)::int FROM public.auth_sessions s
                WHERE s.user_id = u.id AND s.revoked_at IS NULL) AS live_sessions
         FROM public.users u WHERE u.id = $1`,
      [userId],
    );
    return rows[0];
  });
}

describe("the school's controls over its people's accounts", () => {
  let t: TestApp;
  let s: ReturnType<typeof peopleSuite>;

  beforeAll(async () => {
    t = await createTestApp();
    s = peopleSuite(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe.each(PEOPLE_KINDS)('$path', (kind) => {
    const deactivation = `${kind.path}/portal-deactivation`;

    it('portal-deactivation closes the account here, ends its sign-in and sessions, and activation gives a new one', async () => {
      const { school, owner } = await s.schoolWithOwner();
      const dora = await s.addPerson(kind, school, owner, 'Dora', 'Closed');
      const nell = await s.addPerson(kind, school, owner, 'Nell', 'Never');
      const first = await s.activate(kind, school, owner, dora);
      const session = await signIn(t.app, school.host, first.username, first.temporaryPassword);
      // Used once, so this instance has the session in its cache of trusted sessions.
      expect((await s.call(school, session, 'GET', '/api/auth/me')).statusCode).toBe(200);

      const unknown = randomUUID();
      const answer = bodyOf<DeactivationBody>(
        await s.call(school, owner, 'POST', deactivation, {
          [kind.idsField]: [dora, nell, unknown],
        }),
        200,
      );
      expect(answer).toEqual({
        deactivated: [{ profileId: dora, userId: first.userId }],
        skipped: [
          { profileId: nell, reason: 'NOT_ACTIVE' },
          { profileId: unknown, reason: 'NOT_FOUND' },
        ],
      });

      expect((await s.login(school, first.username, first.temporaryPassword)).statusCode).toBe(401);
      expect((await s.call(school, session, 'GET', '/api/auth/me')).statusCode).toBe(401);
      expect((await s.refresh(school, session)).statusCode).toBe(401);
      // The record stays, without an account; the school made the account and no other school
      // uses it, so it is closed everywhere.
      expect(await s.accountOf(kind, school, owner, dora)).toBeNull();
      expect(await accountState(school, first.userId)).toEqual({
        is_active: false,
        must_change_password: true,
        memberships: 0,
        roles_here: 0,
        live_sessions: 0,
      });
      const again = bodyOf<DeactivationBody>(
        await s.call(school, owner, 'POST', deactivation, { [kind.idsField]: [dora] }),
        200,
      );
      expect(again).toEqual({
        deactivated: [],
        skipped: [{ profileId: dora, reason: 'NOT_ACTIVE' }],
      });

      const second = await s.activate(kind, school, owner, dora);
      expect(second.userId).not.toBe(first.userId);
      expect(second.username).toBe(first.username);
      const back = await signIn(t.app, school.host, second.username, second.temporaryPassword);
      expect((await s.call(school, back, 'GET', '/api/auth/me')).statusCode).toBe(200);
      expect(await s.accountOf(kind, school, owner, dora)).toMatchObject({
        userId: second.userId,
        isActive: true,
      });
    });

    it('portal-deactivation reaches no other school, and needs a signed-in caller with the permission', async () => {
      const a = await s.schoolWithOwner();
      const b = await s.schoolWithOwner();
      const id = await s.addPerson(kind, a.school, a.owner, 'Iris', 'Isolated');
      const activated = await s.activate(kind, a.school, a.owner, id);
      const body = { [kind.idsField]: [id] };

      expect(bodyOf(await s.call(b.school, b.owner, 'POST', deactivation, body), 200)).toEqual({
        deactivated: [],
        skipped: [{ profileId: id, reason: 'NOT_FOUND' }],
      });
      expect((await s.anonymous(a.school, 'POST', deactivation, body)).statusCode).toBe(401);
      const clerk = await s.memberWith(a.school, a.owner, ['students.view', 'staff.view']);
      const refused = await s.call(a.school, clerk, 'POST', deactivation, body);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });

      // Nothing changed: the account still signs in at its own school.
      expect(await s.accountOf(kind, a.school, a.owner, id)).toMatchObject({
        userId: activated.userId,
        isActive: true,
      });
      await signIn(t.app, a.school.host, activated.username, activated.temporaryPassword);
    });

    it('reset-password gives an account the school made a new temporary password and ends its sessions', async () => {
      const { school, owner } = await s.schoolWithOwner();
      const id = await s.addPerson(kind, school, owner, 'Rosa', 'Reset');
      const activated = await s.activate(kind, school, owner, id);
      const session = await signIn(
        t.app,
        school.host,
        activated.username,
        activated.temporaryPassword,
      );
      expect((await s.call(school, session, 'GET', '/api/auth/me')).statusCode).toBe(200);
      await withOwnerClient((db) =>
        db.query('UPDATE users SET must_change_password = false WHERE id = $1', [activated.userId]),
      );

      const reset = bodyOf<ResetBody>(
        await s.call(school, owner, 'POST', `${kind.path}/${id}/reset-password`),
        200,
      );
      expect(reset).toEqual({
        profileId: id,
        userId: activated.userId,
        username: activated.username,
        temporaryPassword: expect.stringMatching(/^[A-Za-z2-9]{5}-[A-Za-z2-9]{5}-[A-Za-z2-9]{5}$/),
      });
      expect(reset.temporaryPassword).not.toBe(activated.temporaryPassword);

      expect(
        (await s.login(school, activated.username, activated.temporaryPassword)).statusCode,
      ).toBe(401);
      expect((await s.refresh(school, session)).statusCode).toBe(401);
      expect((await s.call(school, session, 'GET', '/api/auth/me')).statusCode).toBe(401);
      const fresh = await signIn(t.app, school.host, reset.username, reset.temporaryPassword);
      expect(fresh.mustChangePassword).toBe(true);
      const slips = bodyOf<Array<{ profileId: string; temporaryPassword: string }>>(
        await s.call(school, owner, 'GET', `${kind.path}/credential-distribution`),
        200,
      );
      expect(slips).toContainEqual(
        expect.objectContaining({ profileId: id, temporaryPassword: reset.temporaryPassword }),
      );
    });

    it('reset-password refuses an account its holder linked or registered, and a person without one', async () => {
      const { school, owner } = await s.schoolWithOwner();
      const id = await s.addPerson(kind, school, owner, 'Cora', 'Consent');
      const activated = await s.activate(kind, school, owner, id);
      const session = await signIn(
        t.app,
        school.host,
        activated.username,
        activated.temporaryPassword,
      );
      // As if its holder had accepted this school's link to an account of their own.
      const via = (value: string) =>
        withOwnerClient((db) =>
          db.query(
            'UPDATE public.school_memberships SET via = $3 WHERE user_id = $1 AND organization_id = $2',
            [activated.userId, school.id, value],
          ),
        );
      await via('consented');
      const url = `${kind.path}/${id}/reset-password`;
      const refused = await s.call(school, owner, 'POST', url);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'ACCOUNT_LINKED_BY_CONSENT' } });
      expect(refused.json().error.message).toContain('email');
      await via('registered');
      expect((await s.call(school, owner, 'POST', url)).json()).toMatchObject({
        error: { code: 'ACCOUNT_REGISTERED_BY_HOLDER' },
      });
      // Nothing changed: the holder's password and session still work.
      await signIn(t.app, school.host, activated.username, activated.temporaryPassword);
      expect((await s.refresh(school, session)).statusCode).toBe(200);

      const without = await s.addPerson(kind, school, owner, 'Walt', 'Without');
      const none = await s.call(school, owner, 'POST', `${kind.path}/${without}/reset-password`);
      expect(none.statusCode).toBe(404);
      expect(none.json()).toMatchObject({ error: { code: 'NO_PORTAL_ACCOUNT' } });
      const unknown = await s.call(
        school,
        owner,
        'POST',
        `${kind.path}/${randomUUID()}/reset-password`,
      );
      expect(unknown.json()).toMatchObject({ error: { code: kind.notFound } });
    });

    it('reset-password reaches no other school, and needs a signed-in caller with the permission', async () => {
      const a = await s.schoolWithOwner();
      const b = await s.schoolWithOwner();
      const id = await s.addPerson(kind, a.school, a.owner, 'Iris', 'Isolated');
      const activated = await s.activate(kind, a.school, a.owner, id);
      const url = `${kind.path}/${id}/reset-password`;

      const other = await s.call(b.school, b.owner, 'POST', url);
      expect(other.statusCode).toBe(404);
      expect(other.json()).toMatchObject({ error: { code: kind.notFound } });
      expect((await s.anonymous(a.school, 'POST', url)).statusCode).toBe(401);
      const clerk = await s.memberWith(a.school, a.owner, ['students.view', 'staff.view']);
      expect((await s.call(a.school, clerk, 'POST', url)).statusCode).toBe(403);

      await signIn(t.app, a.school.host, activated.username, activated.temporaryPassword);
    });
  });

  it('never closes the account of the last active Owner, whoever asks', async () => {
    const { school, owner } = await s.schoolWithOwner();
    const ines = await s.addPerson(STAFF, school, owner, 'Ines', 'Owner');
    const activated = await s.activate(STAFF, school, owner, ines);
    const roles = bodyOf<Array<{ id: string; systemKey: string | null }>>(
      await s.call(school, owner, 'GET', '/api/roles'),
      200,
    );
    const ownerRole = roles.find((role) => role.systemKey === 'owner')!.id;
    const adminRole = roles.find((role) => role.systemKey === 'admin')!.id;
    bodyOf(
      await s.call(school, owner, 'POST', `/api/roles/${ownerRole}/assignments`, {
        userId: activated.userId,
      }),
      201,
    );
    await withOwnerClient((db) =>
      db.query('UPDATE users SET must_change_password = false WHERE id = $1', [activated.userId]),
    );
    const inesSession = await signIn(
      t.app,
      school.host,
      activated.username,
      activated.temporaryPassword,
    );
    // Ines becomes the only Owner; the registering owner stays on as Admin.
    bodyOf(
      await s.call(school, inesSession, 'POST', `/api/roles/${adminRole}/assignments`, {
        userId: school.ownerUserId,
      }),
      201,
    );
    expect(
      (
        await s.call(
          school,
          inesSession,
          'DELETE',
          `/api/roles/${ownerRole}/assignments/${school.ownerUserId}`,
        )
      ).statusCode,
    ).toBe(204);

    const body = { staffIds: [ines] };
    for (const who of [owner, inesSession]) {
      const refused = await s.call(school, who, 'POST', '/api/staff/portal-deactivation', body);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'LAST_OWNER' } });
    }
    expect((await s.call(school, owner, 'DELETE', `/api/staff/${ines}`)).json()).toMatchObject({
      error: { code: 'LAST_OWNER' },
    });
    expect(
      (await s.call(school, owner, 'PATCH', `/api/staff/${ines}`, { status: 'left' })).json(),
    ).toMatchObject({ error: { code: 'LAST_OWNER' } });
    // Nothing changed.
    expect(await s.accountOf(STAFF, school, owner, ines)).toMatchObject({
      userId: activated.userId,
    });
    expect(
      bodyOf<{ status: string }>(await s.call(school, owner, 'GET', `/api/staff/${ines}`), 200)
        .status,
    ).toBe('active');
    expect((await s.call(school, inesSession, 'GET', '/api/roles')).statusCode).toBe(200);

    // With a second Owner, Ines may close her own account.
    bodyOf(
      await s.call(school, inesSession, 'POST', `/api/roles/${ownerRole}/assignments`, {
        userId: school.ownerUserId,
      }),
      201,
    );
    expect(
      bodyOf<DeactivationBody>(
        await s.call(school, inesSession, 'POST', '/api/staff/portal-deactivation', body),
        200,
      ).deactivated,
    ).toEqual([{ profileId: ines, userId: activated.userId }]);
    expect((await s.call(school, inesSession, 'GET', '/api/roles')).statusCode).toBe(401);
  });

  it("withdraws this school's pending invitations to link an account to a person it closes", async () => {
    const a = await s.schoolWithOwner();
    const b = await s.schoolWithOwner();
    const id = await s.addPerson(STUDENTS, a.school, a.owner, 'Lena', 'Linked');
    await s.activate(STUDENTS, a.school, a.owner, id);
    // As if activation had mailed a verified holder of Lena's email an invitation to link
    // their own account (the holder here: A's owner); one of B's names the same profile id.
    const invitations = () =>
      withOwnerClient(async (db) => {
        const { rows } = await db.query<{ organization_id: string }>(
          `SELECT organization_id FROM account_tokens WHERE profile_id = $1 ORDER BY created_at`,
          [id],
        );
        return rows.map((row) => row.organization_id);
      });
    await withOwnerClient((db) =>
      db.query(
        `INSERT INTO account_tokens (token_hash, purpose, user_id, email, organization_id, profile_id, expires_at)
         SELECT sha256(convert_to(o.id::text, 'UTF8')), 'link_school', $1, 'lena@example.org', o.id, $2,
                now() + interval '1 day'
           FROM unnest($3::uuid[]) AS o (id)`,
        [a.school.ownerUserId, id, [a.school.id, b.school.id]],
      ),
    );
    expect((await invitations()).sort()).toEqual([a.school.id, b.school.id].sort());

    bodyOf(
      await s.call(a.school, a.owner, 'POST', '/api/students/portal-deactivation', {
        studentIds: [id],
      }),
      200,
    );
    expect(await invitations()).toEqual([b.school.id]);
  });

  it('keeps what an account still needs as someone else in the same school', async () => {
    const { school, owner } = await s.schoolWithOwner();
    const student = await s.addPerson(STUDENTS, school, owner, 'Sam', 'Both');
    const guardian = await s.addPerson(GUARDIANS, school, owner, 'Sam', 'Both');
    const activated = await s.activate(STUDENTS, school, owner, student);
    // The same account is also this school's guardian profile, with the Guardian role.
    const schema = `"school_${school.slug}"`;
    await withOwnerClient(async (db) => {
      await db.query(
        `UPDATE ${schema}.profiles SET user_id = $1, local_username = 'samboth.parent' WHERE id = $2`,
        [activated.userId, guardian],
      );
      await db.query(
        `INSERT INTO ${schema}.user_roles (user_id, role_id)
         SELECT $1, id FROM ${schema}.roles WHERE system_key = 'guardian'`,
        [activated.userId],
      );
    });
    const asGuardian = await signIn(
      t.app,
      school.host,
      'samboth.parent',
      activated.temporaryPassword,
    );

    bodyOf(
      await s.call(school, owner, 'POST', '/api/students/portal-deactivation', {
        studentIds: [student],
      }),
      200,
    );
    expect(await s.accountOf(STUDENTS, school, owner, student)).toBeNull();
    expect(await s.accountOf(GUARDIANS, school, owner, guardian)).toMatchObject({
      userId: activated.userId,
      isActive: true,
    });
    expect((await s.call(school, asGuardian, 'GET', '/api/auth/me')).statusCode).toBe(200);
    const roles = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ system_key: string; is_active: boolean }>(
        `SELECT r.system_key, ur.is_active FROM ${schema}.user_roles ur
           JOIN ${schema}.roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.system_key`,
        [activated.userId],
      );
      return rows;
    });
    expect(roles).toEqual([
      { system_key: 'guardian', is_active: true },
      { system_key: 'student', is_active: false },
    ]);
    expect(await accountState(school, activated.userId)).toMatchObject({
      is_active: true,
      memberships: 1,
    });
  });

  it('closes the account of a student deleted for good, as portal deactivation does', async () => {
    const { school, owner } = await s.schoolWithOwner();
    const id = await s.addPerson(STUDENTS, school, owner, 'Pia', 'Purged');
    const activated = await s.activate(STUDENTS, school, owner, id);
    expect(
      (await s.call(school, owner, 'DELETE', `/api/students/${id}?permanent=true`)).statusCode,
    ).toBe(204);
    expect(
      (await s.login(school, activated.username, activated.temporaryPassword)).statusCode,
    ).toBe(401);
    expect(await accountState(school, activated.userId)).toEqual({
      is_active: false,
      must_change_password: true,
      memberships: 0,
      roles_here: 0,
      live_sessions: 0,
    });
  });

  it('closes or resets only what is this school alone: an account another school also uses stays as it was there', async () => {
    const a = await s.schoolWithOwner();
    const b = await s.schoolWithOwner();
    const id = await s.addPerson(STUDENTS, a.school, a.owner, 'Tess', 'Twice');
    const activated = await s.activate(STUDENTS, a.school, a.owner, id);
    // The holder also uses the account at school B (as if they had accepted B's link).
    await withOwnerClient(async (db) => {
      await db.query(
        `INSERT INTO "school_${b.school.slug}".profiles (kind, first_name, last_name, local_username, user_id)
         VALUES ('guardian', 'Tess', 'Twice', 'tesstwice', $1)`,
        [activated.userId],
      );
      await db.query(
        `INSERT INTO public.school_memberships (user_id, organization_id, via) VALUES ($1, $2, 'consented')`,
        [activated.userId, b.school.id],
      );
    });
    const atB = await signIn(t.app, b.school.host, 'tesstwice', activated.temporaryPassword);
    // A made the account, but a password A's office reads off a slip would open B too.
    const reset = await s.call(a.school, a.owner, 'POST', `/api/students/${id}/reset-password`);
    expect(reset.statusCode).toBe(409);
    expect(reset.json()).toMatchObject({ error: { code: 'ACCOUNT_LINKED_BY_CONSENT' } });
    expect((await s.call(b.school, atB, 'GET', '/api/auth/me')).statusCode).toBe(200);

    bodyOf(
      await s.call(a.school, a.owner, 'POST', '/api/students/portal-deactivation', {
        studentIds: [id],
      }),
      200,
    );
    expect(
      (await s.login(a.school, activated.username, activated.temporaryPassword)).statusCode,
    ).toBe(401);
    expect((await s.call(b.school, atB, 'GET', '/api/auth/me')).statusCode).toBe(200);
    expect(await accountState(a.school, activated.userId)).toMatchObject({
      is_active: true,
      memberships: 1,
    });
  });
});
