import { randomBytes } from 'node:crypto';
import { bodyOf } from './support/caller';
import { GUARDIANS, peopleSuite, STAFF, STUDENTS } from './support/people-kinds';
import { createTestApp, type TestApp, withOwnerClient } from './support/test-app';

interface StaffBody {
  id: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
  department: string | null;
  status: string;
  account: { userId: string } | null;
}

interface GuardianBody {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  children: Array<{ studentId: string; relationship: string }>;
  account: { userId: string } | null;
}

describe('staff and guardian records', () => {
  let t: TestApp;
  let s: ReturnType<typeof peopleSuite>;

  beforeAll(async () => {
    t = await createTestApp();
    s = peopleSuite(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const isActive = async (userId: string) =>
    (
      await withOwnerClient((db) =>
        db.query<{ is_active: boolean }>('SELECT is_active FROM users WHERE id = $1', [userId]),
      )
    ).rows[0].is_active;

  describe('refusing bad changes to a record', () => {
    const urls = { staff: '', guardian: '' };
    let at: Awaited<ReturnType<typeof s.schoolWithOwner>>;
    beforeAll(async () => {
      at = await s.schoolWithOwner();
      urls.staff = `/api/staff/${await s.addPerson(STAFF, at.school, at.owner, 'Rex', 'Record')}`;
      urls.guardian = `/api/guardians/${await s.addPerson(GUARDIANS, at.school, at.owner, 'Gil', 'Record')}`;
    });

    it.each<[keyof typeof urls, string, object, string, string | undefined]>([
      ['staff', 'no field', {}, 'NOTHING_TO_CHANGE', undefined],
      ['staff', 'the job title cleared', { jobTitle: null }, 'VALIDATION_FAILED', 'jobTitle'],
      ['staff', 'a field records do not have', { salary: 1 }, 'VALIDATION_FAILED', 'salary'],
      ['guardian', 'a phone that is no number', { phone: 'call me' }, 'VALIDATION_FAILED', 'phone'],
      ['guardian', 'the last name cleared', { lastName: null }, 'VALIDATION_FAILED', 'lastName'],
    ])(
      'refuses to change a %s with %s, changing nothing',
      async (kind, _case, payload, code, field) => {
        const before = await s.call(at.school, at.owner, 'GET', urls[kind]);
        const refused = await s.call(at.school, at.owner, 'PATCH', urls[kind], payload);
        expect(refused.statusCode).toBe(400);
        expect(refused.json().error.code).toBe(code);
        if (field)
          expect(refused.json().error.details).toEqual([expect.objectContaining({ field })]);
        expect((await s.call(at.school, at.owner, 'GET', urls[kind])).json()).toEqual(
          before.json(),
        );
      },
    );
  });

  it('reads, changes and marks a staff member as left, closing their account here', async () => {
    const { school, owner } = await s.schoolWithOwner();
    const otto = await s.addPerson(STAFF, school, owner, 'Otto', 'Teacher');
    const activated = await s.activate(STAFF, school, owner, otto);
    const url = `/api/staff/${otto}`;

    expect(bodyOf<StaffBody>(await s.call(school, owner, 'GET', url), 200)).toMatchObject({
      id: otto,
      firstName: 'Otto',
      jobTitle: 'Instructor',
      status: 'active',
      account: { userId: activated.userId },
    });
    const changed = bodyOf<StaffBody>(
      await s.call(school, owner, 'PATCH', url, {
        lastName: 'Tutor',
        jobTitle: 'Physics teacher',
        department: 'Sciences',
      }),
      200,
    );
    expect(changed).toMatchObject({
      lastName: 'Tutor',
      jobTitle: 'Physics teacher',
      department: 'Sciences',
    });
    expect(
      bodyOf<StaffBody>(await s.call(school, owner, 'PATCH', url, { department: null }), 200)
        .department,
    ).toBeNull();

    expect((await s.call(school, owner, 'DELETE', url)).statusCode).toBe(204);
    expect(bodyOf<StaffBody>(await s.call(school, owner, 'GET', url), 200)).toMatchObject({
      lastName: 'Tutor',
      status: 'left',
      account: null,
    });
    expect(
      (await s.login(school, activated.username, activated.temporaryPassword)).statusCode,
    ).toBe(401);
    expect(await isActive(activated.userId)).toBe(false);
    // Repeating it changes nothing; coming back makes them active again, without an account.
    expect((await s.call(school, owner, 'DELETE', url)).statusCode).toBe(204);
    expect(
      bodyOf<StaffBody>(await s.call(school, owner, 'PATCH', url, { status: 'active' }), 200),
    ).toMatchObject({ status: 'active', account: null });
  });

  it("frees the plan's staff place when a staff member leaves, and takes it back on return", async () => {
    const { school, owner } = await s.schoolWithOwner();
    const plan = `two-staff-${randomBytes(4).toString('hex')}`;
    await withOwnerClient(async (db) => {
      await db.query(
        `INSERT INTO plans (code, name, price_minor, max_students, max_staff, purchasable)
         VALUES ($1, 'Two staff', 0, 10, 2, false)`,
        [plan],
      );
      await db.query(`UPDATE subscriptions SET plan_code = $1 WHERE organization_id = $2`, [
        plan,
        school.id,
      ]);
    });
    const onboard = (firstName: string) =>
      s.call(school, owner, 'POST', '/api/staff/onboard-instructor', {
        firstName,
        lastName: 'Staff',
      });
    const first = bodyOf<StaffBody>(await onboard('Ada'), 201);
    bodyOf(await onboard('Bea'), 201);
    const full = await onboard('Cal');
    expect(full.statusCode).toBe(402);
    expect(full.json()).toMatchObject({
      error: { code: 'PLAN_LIMIT_REACHED', details: { resource: 'staff', limit: 2 } },
    });

    expect((await s.call(school, owner, 'DELETE', `/api/staff/${first.id}`)).statusCode).toBe(204);
    bodyOf(await onboard('Cal'), 201);
    const back = await s.call(school, owner, 'PATCH', `/api/staff/${first.id}`, {
      status: 'active',
    });
    expect(back.statusCode).toBe(402);
    expect(
      bodyOf<StaffBody>(await s.call(school, owner, 'GET', `/api/staff/${first.id}`), 200).status,
    ).toBe('left');
  });

  it('reads, changes and removes a guardian, with their links and their account here', async () => {
    const { school, owner } = await s.schoolWithOwner();
    const child = await s.addPerson(STUDENTS, school, owner, 'Ana', 'Pupil');
    const gwen = await s.addPerson(GUARDIANS, school, owner, 'Gwen', 'Guardian');
    bodyOf(
      await s.call(school, owner, 'POST', `/api/guardians/${gwen}/students`, {
        studentId: child,
        relationship: 'mother',
      }),
      201,
    );
    const activated = await s.activate(GUARDIANS, school, owner, gwen);
    const url = `/api/guardians/${gwen}`;

    expect(bodyOf<GuardianBody>(await s.call(school, owner, 'GET', url), 200)).toMatchObject({
      id: gwen,
      firstName: 'Gwen',
      children: [{ studentId: child, relationship: 'mother' }],
      account: { userId: activated.userId },
    });
    expect(
      bodyOf<GuardianBody>(
        await s.call(school, owner, 'PATCH', url, { lastName: 'Guardian-Smith', phone: '+1 555' }),
        200,
      ),
    ).toMatchObject({ lastName: 'Guardian-Smith', phone: '+1 555' });

    expect((await s.call(school, owner, 'DELETE', url)).statusCode).toBe(204);
    expect((await s.call(school, owner, 'GET', url)).json()).toMatchObject({
      error: { code: 'GUARDIAN_NOT_FOUND' },
    });
    expect(
      bodyOf<{ guardians: unknown[] }>(
        await s.call(school, owner, 'GET', `/api/students/${child}`),
        200,
      ).guardians,
    ).toEqual([]);
    expect(
      (await s.login(school, activated.username, activated.temporaryPassword)).statusCode,
    ).toBe(401);
    expect(await isActive(activated.userId)).toBe(false);
    expect((await s.call(school, owner, 'DELETE', url)).statusCode).toBe(404);
  });

  describe.each([STAFF, GUARDIANS])('$path/:id', (kind) => {
    it('is out of reach of another school, of anonymous callers and of members without the permission', async () => {
      const a = await s.schoolWithOwner();
      const b = await s.schoolWithOwner();
      const id = await s.addPerson(kind, a.school, a.owner, 'Iris', 'Isolated');
      const activated = await s.activate(kind, a.school, a.owner, id);
      const url = `${kind.path}/${id}`;

      for (const [method, payload] of [
        ['GET', undefined],
        ['PATCH', { lastName: 'Changed' }],
        ['DELETE', undefined],
      ] as const) {
        const other = await s.call(b.school, b.owner, method, url, payload);
        expect(other.statusCode).toBe(404);
        expect(other.json()).toMatchObject({ error: { code: kind.notFound } });
        expect((await s.anonymous(a.school, method, url, payload)).statusCode).toBe(401);
      }
      const clerk = await s.memberWith(a.school, a.owner);
      for (const [method, payload, permission] of [
        ['GET', undefined, `${kind === STAFF ? 'staff' : 'guardians'}.view`],
        ['PATCH', { lastName: 'Changed' }, `${kind === STAFF ? 'staff' : 'guardians'}.update`],
        ['DELETE', undefined, `${kind === STAFF ? 'staff' : 'guardians'}.delete`],
      ] as const) {
        const refused = await s.call(a.school, clerk, method, url, payload);
        expect(refused.statusCode).toBe(403);
        expect(refused.json()).toMatchObject({
          error: { code: 'FORBIDDEN', details: { missingPermissions: [permission] } },
        });
      }

      // Nothing changed in school A.
      const own = bodyOf<StaffBody | GuardianBody>(
        await s.call(a.school, a.owner, 'GET', url),
        200,
      );
      expect(own).toMatchObject({ lastName: 'Isolated', account: { userId: activated.userId } });
      if (kind === STAFF) expect((own as StaffBody).status).toBe('active');
      expect(await isActive(activated.userId)).toBe(true);
    });
  });
});
