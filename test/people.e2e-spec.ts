import { AccountCascade, SoftLinkAudit } from '@schoolyard/people';
import { TenantTransactions } from '@schoolyard/tenancy';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { mailTo } from './support/mailbox';
import {
  addMember,
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';
import { caller } from './support/caller';

interface StudentBody {
  id: string;
  firstName: string;
  lastName: string;
  admissionNumber: string;
  status: string;
  account: { userId: string; username: string; email: string | null } | null;
}

interface ActivationBody {
  activated: Array<{
    profileId: string;
    userId: string;
    username: string;
    temporaryPassword: string | null;
  }>;
  skipped: Array<{ profileId: string; reason: string }>;
}

/** Everything the API logs, kept in memory so a test can search it. */
const logLines: string[] = [];
const logStream = { write: (line: string) => void logLines.push(line) };

describe('people and portal activation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'trace' }, [], logStream);
  });
  afterAll(async () => {
    await t.close();
  });

  const call = caller(() => t);

  async function schoolWithOwner() {
    const school = await registerSchool(t.app);
    return { school, owner: await signIn(t.app, school.host, school.ownerUsername) };
  }

  let admission = 0;
  async function enroll(
    school: RegisteredSchool,
    who: SignedIn,
    person: { firstName: string; lastName: string; email?: string },
  ): Promise<StudentBody> {
    const response = await call(school, who, 'POST', '/api/students/enroll', {
      ...person,
      admissionNumber: `A-${++admission}`,
      admissionDate: '2025-09-01',
    });
    expect(response.statusCode).toBe(201);
    return response.json<StudentBody>();
  }

  const schemaOf = (school: RegisteredSchool) => `school_${school.slug}`;

  it('enrolls, lists, activates, prints a slip, forces a change at first sign-in, then drops the slip', async () => {
    const { school, owner } = await schoolWithOwner();
    const jose = await enroll(school, owner, { firstName: 'José', lastName: 'Núñez' });
    expect(jose).toMatchObject({ status: 'active', account: null });

    const list = await call(
      school,
      owner,
      'GET',
      `/api/students?search=${encodeURIComponent('núñez')}`,
    );
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      data: [{ id: jose.id, account: null }],
      meta: { page: 1, pageSize: 20, total: 1 },
    });

    const activation = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [jose.id],
    });
    expect(activation.statusCode).toBe(200);
    const [activated] = activation.json<ActivationBody>().activated;
    expect(activated).toMatchObject({
      profileId: jose.id,
      username: 'josenunez',
    });
    const temporary = activated.temporaryPassword!;
    expect(temporary).toMatch(/^[A-Za-z2-9]{5}-[A-Za-z2-9]{5}-[A-Za-z2-9]{5}$/);

    const slips = await call(school, owner, 'GET', '/api/students/credential-distribution');
    expect(slips.json()).toEqual([
      {
        profileId: jose.id,
        displayName: 'José Núñez',
        username: 'josenunez',
        temporaryPassword: temporary,
      },
    ]);
    const listed = (await call(school, owner, 'GET', '/api/students')).json<{
      data: StudentBody[];
    }>();
    expect(listed.data[0].account).toMatchObject({
      userId: activated.userId,
      username: 'josenunez',
    });

    const student = await signIn(t.app, school.host, 'josenunez', temporary);
    expect(student.mustChangePassword).toBe(true);
    const me = await call(school, student, 'GET', '/api/auth/me');
    expect(me.json()).toMatchObject({ roles: [{ systemKey: 'student' }] });
    expect((await call(school, student, 'GET', '/api/students')).statusCode).toBe(403);
    const changed = await call(school, student, 'POST', '/api/auth/change-password', {
      currentPassword: temporary,
      newPassword: 'my very own passphrase 2025',
    });
    expect(changed.statusCode).toBe(200);

    const after = await call(school, owner, 'GET', '/api/students/credential-distribution');
    expect(after.json()).toEqual([]);
    await withOwnerClient(async (db) => {
      const row = await db.query(
        'SELECT temporary_password, temporary_password_school FROM users WHERE id = $1',
        [activated.userId],
      );
      expect(row.rows[0]).toEqual({ temporary_password: null, temporary_password_school: null });
    });
  });

  it('skips unknown and already active people with a reason and activates the rest', async () => {
    const { school, owner } = await schoolWithOwner();
    const first = await enroll(school, owner, { firstName: 'Ann', lastName: 'Able' });
    const second = await enroll(school, owner, { firstName: 'Ben', lastName: 'Baker' });
    await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [first.id],
    });
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const response = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [first.id, unknown, second.id],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<ActivationBody>();
    expect(body.activated.map((person) => person.profileId)).toEqual([second.id]);
    expect(body.skipped).toEqual([
      { profileId: first.id, reason: 'ALREADY_ACTIVE' },
      { profileId: unknown, reason: 'NOT_FOUND' },
    ]);
  });

  it('activates nobody and leaves no account behind when the transaction fails midway', async () => {
    const { school, owner } = await schoolWithOwner();
    const people = [];
    for (const lastName of ['Zephyr', 'Saboteur', 'Quill']) {
      people.push(await enroll(school, owner, { firstName: 'Xanthe', lastName }));
    }
    const schema = schemaOf(school);
    await withOwnerClient(async (db) => {
      await db.query(`
        CREATE FUNCTION "${schema}".sabotage() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.last_name = 'Saboteur' AND NEW.user_id IS NOT NULL THEN
            RAISE EXCEPTION 'forced failure';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER sabotage BEFORE UPDATE ON "${schema}".profiles
          FOR EACH ROW EXECUTE FUNCTION "${schema}".sabotage();`);
    });
    const response = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: people.map((person) => person.id),
    });
    expect(response.statusCode).toBe(500);
    await withOwnerClient(async (db) => {
      const linked = await db.query(
        `SELECT count(*)::int AS n FROM "${schema}".profiles WHERE user_id IS NOT NULL AND kind = 'student'`,
      );
      expect(linked.rows[0].n).toBe(0);
      const accounts = await db.query(
        `SELECT count(*)::int AS n FROM users WHERE global_username LIKE 'xanthe%'`,
      );
      expect(accounts.rows[0].n).toBe(0);
      const memberships = await db.query(
        `SELECT count(*)::int AS n FROM school_memberships WHERE organization_id = $1`,
        [school.id],
      );
      expect(memberships.rows[0].n).toBe(1); // the owner only
      await db.query(`DROP TRIGGER sabotage ON "${schema}".profiles`);
    });
    const retried = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: people.map((person) => person.id),
    });
    expect(retried.json<ActivationBody>().activated).toHaveLength(3);
  });

  it('refuses a batch in which two people share one email', async () => {
    const { school, owner } = await schoolWithOwner();
    const email = `twins@${uniqueSubdomain()}.example`;
    const one = await enroll(school, owner, { firstName: 'Tom', lastName: 'Twin', email });
    const two = await enroll(school, owner, { firstName: 'Tim', lastName: 'Twin', email });
    const response = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [one.id, two.id],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].problems[0]).toContain(one.id);
  });

  it("shows a school's transaction only the accounts linked to that school", async () => {
    const a = await schoolWithOwner();
    const b = await schoolWithOwner();
    const schoolOf = (slug: string) =>
      withOwnerClient(async (db) => {
        const row = await db.query(
          `SELECT id, slug, name, status, schema_name AS "schemaName", db_role AS "dbRole"
             FROM organizations WHERE slug = $1`,
          [slug],
        );
        return row.rows[0];
      });
    const transactions = t.app.get(TenantTransactions);
    const seen = (slug: string, ids: string[]) =>
      schoolOf(slug).then((school) =>
        transactions.run(school, (manager) =>
          manager.query('SELECT id FROM public.school_accounts($1::uuid[])', [ids]),
        ),
      );
    const both = [a.school.ownerUserId, b.school.ownerUserId];
    expect(await seen(b.school.slug, both)).toEqual([{ id: b.school.ownerUserId }]);
    expect(await seen(a.school.slug, both)).toEqual([{ id: a.school.ownerUserId }]);
    // Outside any school's transaction the functions refuse to answer.
    await expect(
      t.app.get(DataSource).query('SELECT * FROM public.school_accounts($1::uuid[])', [both]),
    ).rejects.toThrow(/not inside a school/);
    // Nor can a school read users directly.
    await expect(
      schoolOf(b.school.slug).then((school) =>
        transactions.run(school, (manager) => manager.query('SELECT email FROM public.users')),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it("keeps a school's students invisible, unpatchable and unactivatable from another school", async () => {
    const a = await schoolWithOwner();
    const b = await schoolWithOwner();
    const student = await enroll(a.school, a.owner, { firstName: 'Iris', lastName: 'Isolated' });
    expect((await call(b.school, b.owner, 'GET', `/api/students/${student.id}`)).statusCode).toBe(
      404,
    );
    expect(
      (await call(b.school, b.owner, 'PATCH', `/api/students/${student.id}`, { lastName: 'X' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call(b.school, b.owner, 'DELETE', `/api/students/${student.id}`)).statusCode,
    ).toBe(404);
    const activation = await call(b.school, b.owner, 'POST', '/api/students/portal-activation', {
      studentIds: [student.id],
    });
    expect(activation.json()).toEqual({
      activated: [],
      skipped: [{ profileId: student.id, reason: 'NOT_FOUND' }],
    });
    expect((await call(b.school, b.owner, 'GET', '/api/students')).json().meta.total).toBe(0);
    const untouched = await call(a.school, a.owner, 'GET', `/api/students/${student.id}`);
    expect(untouched.json()).toMatchObject({
      lastName: 'Isolated',
      status: 'active',
      account: null,
    });
  });

  it('lists 100 students with their accounts in as many queries as 10', async () => {
    const { school, owner } = await schoolWithOwner();
    const schema = schemaOf(school);
    // Enrol straight into the schema to keep the test quick; activation goes through the API.
    const ids = await withOwnerClient(async (db) => {
      const made = await db.query<{ id: string }>(
        `WITH p AS (
           INSERT INTO "${schema}".profiles (kind, first_name, last_name)
           SELECT 'student', 'Pupil', 'Number' || n FROM generate_series(1, 100) n RETURNING id)
         INSERT INTO "${schema}".students (profile_id, admission_number, admission_date)
         SELECT id, 'N-' || row_number() OVER (), current_date FROM p RETURNING profile_id AS id`,
      );
      return made.rows.map((row) => row.id);
    });
    const activated = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: ids,
    });
    expect(activated.json<ActivationBody>().activated).toHaveLength(100);

    const queriesFor = async (pageSize: number) => {
      const url = `/api/students?pageSize=${pageSize}`;
      await call(school, owner, 'GET', url); // caches warm
      const original = Client.prototype.query;
      let count = 0;
      Client.prototype.query = function (this: Client, ...args: unknown[]) {
        // The request pool's only: job workers deliver any suite's mail as the owner meanwhile.
        if (this.user === t.urls.apiRole) count += 1;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        const response = await call(school, owner, 'GET', url);
        expect(response.statusCode).toBe(200);
        const page = response.json<{ data: StudentBody[] }>();
        expect(page.data).toHaveLength(pageSize);
        expect(page.data.every((item) => item.account?.username)).toBe(true);
      } finally {
        Client.prototype.query = original;
      }
      return count;
    };
    // The fewest of three: background work (cache refills, the account-event sweep) can only add.
    const fewest = async (pageSize: number) =>
      Math.min(await queriesFor(pageSize), await queriesFor(pageSize), await queriesFor(pageSize));
    const ten = await fewest(10);
    const hundred = await fewest(100);
    expect(hundred).toBe(ten);
    expect(ten).toBeLessThanOrEqual(4); // BEGIN+settings, page, accounts, COMMIT
  });

  it('never logs or stores a temporary password in plain text', async () => {
    const { school, owner } = await schoolWithOwner();
    const student = await enroll(school, owner, { firstName: 'Lena', lastName: 'Logless' });
    const before = logLines.length;
    const response = await call(school, owner, 'POST', '/api/students/portal-activation', {
      studentIds: [student.id],
    });
    const [activated] = response.json<ActivationBody>().activated;
    const password = activated.temporaryPassword!;
    await call(school, owner, 'GET', '/api/students/credential-distribution');
    const session = await signIn(t.app, school.host, activated.username, password);
    await call(school, session, 'POST', '/api/auth/change-password', {
      currentPassword: password,
      newPassword: 'another passphrase entirely',
    });
    const written = logLines.slice(before).join('\n');
    expect(written).toContain('/api/students/portal-activation'); // the requests were logged
    expect(written).not.toContain(password);

    const other = await enroll(school, owner, { firstName: 'Stan', lastName: 'Stored' });
    const second = (
      await call(school, owner, 'POST', '/api/students/portal-activation', {
        studentIds: [other.id],
      })
    ).json<ActivationBody>().activated[0];
    await withOwnerClient(async (db) => {
      const row = await db.query(
        'SELECT temporary_password, password_hash FROM users WHERE id = $1',
        [second.userId],
      );
      const { temporary_password: sealed, password_hash: hash } = row.rows[0];
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain(second.temporaryPassword);
      expect(Buffer.from(sealed.split('.')[3], 'base64url').toString()).not.toContain(
        second.temporaryPassword,
      );
      expect(hash).toMatch(/^\$argon2id\$/);
    });
  });

  it('onboards and activates instructors, who get the Instructor role', async () => {
    const { school, owner } = await schoolWithOwner();
    const onboarded = await call(school, owner, 'POST', '/api/staff/onboard-instructor', {
      firstName: 'Ines',
      lastName: 'Instructor',
      jobTitle: 'Physics teacher',
      hireDate: '2025-08-25',
    });
    expect(onboarded.statusCode).toBe(201);
    const staffId = onboarded.json().id;
    const activation = await call(school, owner, 'POST', '/api/staff/activate-instructor', {
      staffIds: [staffId],
    });
    const [activated] = activation.json<ActivationBody>().activated;
    const slips = await call(school, owner, 'GET', '/api/staff/credential-distribution');
    expect(slips.json()).toMatchObject([{ profileId: staffId, username: 'inesinstructor' }]);
    const instructor = await signIn(
      t.app,
      school.host,
      activated.username,
      activated.temporaryPassword!,
    );
    const me = await call(school, instructor, 'GET', '/api/auth/me');
    expect(me.json().roles).toMatchObject([{ systemKey: 'instructor' }]);
    const listed = await call(school, owner, 'GET', '/api/staff');
    expect(listed.json()).toMatchObject({
      data: [{ id: staffId, jobTitle: 'Physics teacher', hireDate: '2025-08-25' }],
      meta: { total: 1 },
    });
  });

  it('shows a guardian their own children only', async () => {
    const { school, owner } = await schoolWithOwner();
    const mine = await enroll(school, owner, { firstName: 'Mia', lastName: 'Mine' });
    const theirs = await enroll(school, owner, { firstName: 'Theo', lastName: 'Theirs' });
    const guardian = (
      await call(school, owner, 'POST', '/api/guardians', {
        firstName: 'Gwen',
        lastName: 'Guardian',
      })
    ).json();
    const other = (
      await call(school, owner, 'POST', '/api/guardians', { firstName: 'Otis', lastName: 'Other' })
    ).json();
    expect(
      (
        await call(school, owner, 'POST', `/api/guardians/${guardian.id}/students`, {
          studentId: mine.id,
          relationship: 'mother',
        })
      ).statusCode,
    ).toBe(201);
    await call(school, owner, 'POST', `/api/guardians/${other.id}/students`, {
      studentId: theirs.id,
      relationship: 'father',
    });
    const dup = await call(school, owner, 'POST', `/api/guardians/${guardian.id}/students`, {
      studentId: mine.id,
      relationship: 'mother',
    });
    expect(dup.statusCode).toBe(409);
    const activated = (
      await call(school, owner, 'POST', '/api/guardians/portal-activation', {
        guardianIds: [guardian.id],
      })
    ).json<ActivationBody>().activated[0];
    let session = await signIn(
      t.app,
      school.host,
      activated.username,
      activated.temporaryPassword!,
    );
    await call(school, session, 'POST', '/api/auth/change-password', {
      currentPassword: activated.temporaryPassword,
      newPassword: 'guardian passphrase of mine',
    });
    session = await signIn(t.app, school.host, activated.username, 'guardian passphrase of mine');
    const children = await call(school, session, 'GET', '/api/guardians/my-children');
    expect(children.statusCode).toBe(200);
    expect(children.json()).toEqual([
      expect.objectContaining({ studentId: mine.id, relationship: 'mother' }),
    ]);
    expect((await call(school, session, 'GET', '/api/students')).statusCode).toBe(403);
    expect((await call(school, session, 'GET', `/api/students/${theirs.id}`)).statusCode).toBe(403);
    const student = await call(school, owner, 'GET', `/api/students/${mine.id}`);
    expect(student.json().guardians).toEqual([
      { id: guardian.id, displayName: 'Gwen Guardian', relationship: 'mother' },
    ]);
  });

  it('withdraws by default and deletes for good only with students.purge', async () => {
    const { school, owner } = await schoolWithOwner();
    const student = await enroll(school, owner, { firstName: 'Walt', lastName: 'Withdrawn' });
    expect((await call(school, owner, 'DELETE', `/api/students/${student.id}`)).statusCode).toBe(
      204,
    );
    expect((await call(school, owner, 'GET', `/api/students/${student.id}`)).json().status).toBe(
      'withdrawn',
    );
    const registrar = await call(school, owner, 'POST', '/api/roles', {
      name: 'Registrar',
      permissions: ['students.view', 'students.delete'],
    });
    const member = await addMember(t, school, { firstName: 'Rita', lastName: 'Registrar' });
    await call(school, owner, 'POST', `/api/roles/${registrar.json().id}/assignments`, {
      userId: member.userId,
    });
    const session = await signIn(t.app, school.host, member.username, member.password);
    const purge = await call(
      school,
      session,
      'DELETE',
      `/api/students/${student.id}?permanent=true`,
    );
    expect(purge.json()).toMatchObject({
      error: { code: 'FORBIDDEN', details: { missingPermissions: ['students.purge'] } },
    });
    expect(
      (await call(school, owner, 'DELETE', `/api/students/${student.id}?permanent=true`))
        .statusCode,
    ).toBe(204);
    expect((await call(school, owner, 'GET', `/api/students/${student.id}`)).statusCode).toBe(404);
  });

  it('refuses bad input with a 4xx and the shared error shape', async () => {
    const { school, owner } = await schoolWithOwner();
    const taken = await enroll(school, owner, { firstName: 'Dee', lastName: 'Dupe' });
    const other = await enroll(school, owner, { firstName: 'Eve', lastName: 'Else' });
    const cases: Array<[string, string, object | undefined, number, string]> = [
      ['GET', '/api/students?pageSize=101', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/students?status=expelled', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/students?sort=password', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/students?search=%00', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/students/not-a-uuid', undefined, 400, 'VALIDATION_FAILED'],
      [
        'POST',
        '/api/students/enroll',
        { firstName: 'A', lastName: 'B', admissionNumber: taken.admissionNumber },
        409,
        'ADMISSION_NUMBER_TAKEN',
      ],
      [
        'POST',
        '/api/students/enroll',
        { firstName: 'A', lastName: 'B', admissionNumber: 'X-1', dateOfBirth: '2012-13-40' },
        400,
        'VALIDATION_FAILED',
      ],
      ['POST', '/api/students/portal-activation', { studentIds: [] }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/students/portal-activation', { studentIds: ['x'] }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/students/${taken.id}`, {}, 400, 'NOTHING_TO_CHANGE'],
      ['PATCH', `/api/students/${taken.id}`, { firstName: null }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/students/${taken.id}`, { status: null }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/students/${taken.id}`, { status: 'expelled' }, 400, 'VALIDATION_FAILED'],
      [
        'PATCH',
        `/api/students/${other.id}`,
        { admissionNumber: taken.admissionNumber },
        409,
        'ADMISSION_NUMBER_TAKEN',
      ],
      ['PATCH', `/api/students/${randomUUID()}`, { lastName: 'X' }, 404, 'STUDENT_NOT_FOUND'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const response = await call(school, owner, method as 'GET', url, payload);
      expect({ url, status: response.statusCode, code: response.json().error?.code }).toEqual({
        url,
        status,
        code,
      });
    }
  });

  it('unlinks a deleted account in every school, finishing after a crash midway', async () => {
    const a = await schoolWithOwner();
    const b = await schoolWithOwner();
    const inA = await enroll(a.school, a.owner, {
      firstName: 'Dora',
      lastName: 'Deleted',
      email: `dora@${uniqueSubdomain()}.example`,
    });
    const activated = (
      await call(a.school, a.owner, 'POST', '/api/students/portal-activation', {
        studentIds: [inA.id],
      })
    ).json<ActivationBody>().activated[0];
    // Dora proves her email, then accepts school B's invitation: one account, two schools.
    const email = (await call(a.school, a.owner, 'GET', `/api/students/${inA.id}`)).json().email;
    await withOwnerClient((db) =>
      db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [activated.userId]),
    );
    const inB = await enroll(b.school, b.owner, { firstName: 'Dora', lastName: 'Deleted', email });
    await call(b.school, b.owner, 'POST', '/api/students/portal-activation', {
      studentIds: [inB.id],
    });
    const { token } = await mailTo(email, { template: 'link-invitation' });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/auth/accept-link',
      headers: { host: 'localhost' },
      payload: { token, password: activated.temporaryPassword },
    });
    expect(accepted.statusCode).toBe(200);
    const cascade = t.app.get(AccountCascade);
    await cascade.processPending(); // nothing of ours pending yet

    // School B fails the first time: the cascade must finish A, keep B pending, then finish B.
    const schemaB = schemaOf(b.school);
    await withOwnerClient(async (db) => {
      await db.query(`
        CREATE FUNCTION "${schemaB}".stall() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'crash midway'; END $$;
        CREATE TRIGGER stall BEFORE UPDATE ON "${schemaB}".profiles
          FOR EACH ROW EXECUTE FUNCTION "${schemaB}".stall();`);
      await db.query('DELETE FROM users WHERE id = $1', [activated.userId]);
    });
    const linkOf = (school: RegisteredSchool, id: string) =>
      withOwnerClient(async (db) => {
        const row = await db.query(
          `SELECT user_id FROM "${schemaOf(school)}".profiles WHERE id = $1`,
          [id],
        );
        return row.rows[0].user_id as string | null;
      });
    // The trigger's NOTIFY may have started a run already; either way one run gets the event.
    const settle = async (done: () => Promise<boolean>) => {
      for (let attempt = 0; attempt < 60 && !(await done()); attempt++) {
        await cascade.processPending().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const memberships = () =>
      withOwnerClient(async (db) => {
        const rows = await db.query(
          `SELECT organization_id FROM school_memberships WHERE user_id = $1 ORDER BY 1`,
          [activated.userId],
        );
        return rows.rows.map((row: { organization_id: string }) => row.organization_id);
      });
    await settle(async () => (await linkOf(a.school, inA.id)) === null);
    expect(await linkOf(a.school, inA.id)).toBeNull();
    expect(await linkOf(b.school, inB.id)).toBe(activated.userId);
    // A's membership went with A's transaction; B's stays with B's links until B is done.
    expect(await memberships()).toEqual([b.school.id]);

    await withOwnerClient(async (db) => {
      await db.query(`DROP TRIGGER stall ON "${schemaB}".profiles`);
      // The crashed run's claim lapses (here at once rather than after two minutes).
      await db.query(`UPDATE account_events SET claimed_until = NULL WHERE user_id = $1`, [
        activated.userId,
      ]);
    });
    await settle(async () => (await linkOf(b.school, inB.id)) === null);
    expect(await linkOf(b.school, inB.id)).toBeNull();
    expect(await memberships()).toEqual([]);
    await withOwnerClient(async (db) => {
      const events = await db.query(
        `SELECT kind, processed_at IS NOT NULL AS done FROM account_events WHERE user_id = $1`,
        [activated.userId],
      );
      expect(events.rows).toEqual([{ kind: 'deleted', done: true }]);
      const roles = await db.query(
        `SELECT count(*)::int AS n FROM "${schemaB}".user_roles WHERE user_id = $1`,
        [activated.userId],
      );
      expect(roles.rows[0].n).toBe(0);
    });
  });

  it("audits soft links: finds an account deleted behind the application's back, and repairs it", async () => {
    const { school, owner } = await schoolWithOwner();
    const student = await enroll(school, owner, { firstName: 'Omar', lastName: 'Orphan' });
    const [activated] = (
      await call(school, owner, 'POST', '/api/students/portal-activation', {
        studentIds: [student.id],
      })
    ).json<ActivationBody>().activated;
    await withOwnerClient(async (db) => {
      // Behind the application's back: no event, so the cascade never hears of it.
      await db.query('BEGIN');
      await db.query('ALTER TABLE users DISABLE TRIGGER users_deleted');
      await db.query('DELETE FROM users WHERE id = $1', [activated.userId]);
      await db.query('ALTER TABLE users ENABLE TRIGGER users_deleted');
      await db.query('COMMIT');
    });
    const audit = t.app.get(SoftLinkAudit);
    const found = await audit.orphans({ fix: false, slugs: [school.slug] });
    expect(found.orphans.map((orphan) => orphan.kind).sort()).toEqual([
      'assignment',
      'membership',
      'profile',
    ]);
    expect(found.orphans.find((orphan) => orphan.kind === 'profile')?.id).toBe(student.id);
    const fixed = await audit.orphans({ fix: true, slugs: [school.slug] });
    expect(fixed.orphans).toHaveLength(3);
    expect((await audit.orphans({ fix: false, slugs: [school.slug] })).orphans).toEqual([]);
    const after = await call(school, owner, 'GET', `/api/students/${student.id}`);
    expect(after.json().account).toBeNull();
    const unlinked = await audit.unlinked([school.slug]);
    expect(unlinked.map((person) => person.profileId)).toEqual([student.id]);
  });
});
