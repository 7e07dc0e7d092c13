import { Client } from 'pg';
import { bodyOf, caller, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { campusIds, expectRefused, type RefusalRow } from './support/refusals';
import {
  createTestApp,
  registerSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface RosterBody {
  sectionId: string;
  on: string;
  students: Array<{
    id: string;
    firstName: string;
    admissionNumber: string;
    status: string;
    joinedOn: string;
    leftOn: string | null;
  }>;
}

interface MembershipBody {
  id: string;
  section: { id: string; name: string };
  academicYear: { id: string; name: string };
  joinedOn: string;
  leftOn: string | null;
  current: boolean;
}

interface MembershipRow {
  student_id: string;
  joined_on: string;
  left_on: string | null;
}

/**
 * Statements sent on the request pool's connections (those of `user`, the API's login) while
 * `work` runs: the fewest of three runs, since background work can only add some.
 */
async function statementsFor(work: () => Promise<void>, user: string): Promise<number> {
  const counts: number[] = [];
  for (let run = 0; run < 3; run++) {
    const original = Client.prototype.query;
    let count = 0;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      if (this.user === user) count += 1;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await work();
    } finally {
      Client.prototype.query = original;
    }
    counts.push(count);
  }
  return Math.min(...counts);
}

describe('enrolment history: joining and leaving days, rosters of any day', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** SQL in the campus's schema as the owner, `"S".` naming the schema. */
  const inSchema = <Row>(c: Campus, sql: string, parameters: unknown[] = []) =>
    withOwnerClient(async (db) => {
      const schema = `"school_${c.school.slug}"`;
      return (await db.query(sql.replaceAll('"S".', `${schema}.`), parameters)).rows as Row[];
    });

  /** The school's local date `offset` days from today, as PostgreSQL counts days. */
  const localDay = async (c: Campus, offset: number) =>
    (
      await inSchema<{ day: string }>(
        c,
        `SELECT to_char((now() AT TIME ZONE timezone)::date + $1::int, 'YYYY-MM-DD') AS day
           FROM "S".school_settings`,
        [offset],
      )
    )[0].day;

  /** Moves the section's memberships `days` back, as if they had begun that long ago. */
  const backdate = (c: Campus, sectionId: string, days: number) =>
    inSchema(
      c,
      `UPDATE "S".section_students SET joined_on = joined_on - $2::int WHERE section_id = $1`,
      [sectionId, days],
    );

  const membershipsIn = (c: Campus, sectionId: string) =>
    inSchema<MembershipRow>(
      c,
      `SELECT student_id, to_char(joined_on, 'YYYY-MM-DD') AS joined_on,
              to_char(left_on, 'YYYY-MM-DD') AS left_on
         FROM "S".section_students WHERE section_id = $1 ORDER BY joined_on, left_on NULLS LAST, student_id`,
      [sectionId],
    );

  const roster = async (c: Campus, sectionId: string, on?: string) =>
    bodyOf<RosterBody>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/academics/sections/${sectionId}/students${on ? `?on=${on}` : ''}`,
      ),
      200,
    );
  const names = (body: RosterBody) => body.students.map((student) => student.firstName);

  const withdraw = (c: Campus, sectionId: string, studentId: string, leftOn?: string) =>
    call(
      c.school,
      c.owner,
      'DELETE',
      `/api/academics/sections/${sectionId}/students/${studentId}${leftOn ? `?leftOn=${leftOn}` : ''}`,
    );

  const enrol = (c: Campus, sectionId: string, payload: object) =>
    call(c.school, c.owner, 'POST', `/api/academics/sections/${sectionId}/students`, payload);

  it("keeps a withdrawn student's stay: gone from today's roster and the section's list, still in last month's", async () => {
    const c = await campus(t);
    await backdate(c, c.sectionA.id, 60);
    const [today, lastMonth, joined] = [
      await localDay(c, 0),
      await localDay(c, -30),
      await localDay(c, -60),
    ];

    expect((await withdraw(c, c.sectionA.id, c.ids.ana)).statusCode).toBe(204);

    expect(await membershipsIn(c, c.sectionA.id)).toEqual([
      { student_id: c.ids.ana, joined_on: joined, left_on: today },
      { student_id: c.ids.ben, joined_on: joined, left_on: null },
    ]);
    const now = await roster(c, c.sectionA.id);
    expect(now).toMatchObject({ sectionId: c.sectionA.id, on: today });
    expect(names(now)).toEqual(['Ben']);
    const then = await roster(c, c.sectionA.id, lastMonth);
    expect(then.on).toBe(lastMonth);
    expect(then.students).toEqual([
      expect.objectContaining({
        id: c.ids.ana,
        firstName: 'Ana',
        admissionNumber: 'C-1',
        status: 'active',
        joinedOn: joined,
        leftOn: today,
      }),
      expect.objectContaining({ id: c.ids.ben, joinedOn: joined, leftOn: null }),
    ]);
    // The day before they joined, nobody was there.
    expect(names(await roster(c, c.sectionA.id, await localDay(c, -61)))).toEqual([]);

    const listed = bodyOf<Page>(
      await call(c.school, c.owner, 'GET', `/api/students?sectionId=${c.sectionA.id}`),
      200,
    );
    expect(listed.data.map((student) => student.id)).toEqual([c.ids.ben]);
    expect(
      bodyOf(await call(c.school, c.owner, 'GET', `/api/academics/sections/${c.sectionA.id}`), 200),
    ).toMatchObject({ enrolledCount: 1 });
    expect(
      bodyOf<MembershipBody[]>(
        await call(c.school, c.owner, 'GET', `/api/students/${c.ids.ana}/sections`),
        200,
      ),
    ).toEqual([
      expect.objectContaining({
        section: { id: c.sectionA.id, name: '7A' },
        academicYear: expect.objectContaining({ name: '2025-2026' }),
        joinedOn: joined,
        leftOn: today,
        current: false,
      }),
    ]);
    expect((await withdraw(c, c.sectionA.id, c.ids.ana)).json().error.code).toBe(
      'ENROLMENT_NOT_FOUND',
    );
  });

  it('opens a new stay when a student comes back, and refuses one inside the last stay', async () => {
    const c = await campus(t);
    await backdate(c, c.sectionA.id, 20);
    const [today, leftOn] = [await localDay(c, 0), await localDay(c, -10)];
    expect((await withdraw(c, c.sectionA.id, c.ids.ana, leftOn)).statusCode).toBe(204);

    const early = await enrol(c, c.sectionA.id, {
      studentIds: [c.ids.ana],
      joinedOn: await localDay(c, -11),
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: 'ENROLMENT_OVERLAPS',
      details: { studentIds: [c.ids.ana] },
    });

    const back = bodyOf(await enrol(c, c.sectionA.id, { studentIds: [c.ids.ana] }), 200);
    expect(back).toMatchObject({ added: [c.ids.ana], enrolledCount: 2, joinedOn: today });
    const stays = bodyOf<MembershipBody[]>(
      await call(c.school, c.owner, 'GET', `/api/students/${c.ids.ana}/sections`),
      200,
    );
    expect(stays.map(({ joinedOn, leftOn, current }) => ({ joinedOn, leftOn, current }))).toEqual([
      { joinedOn: today, leftOn: null, current: true },
      { joinedOn: await localDay(c, -20), leftOn, current: false },
    ]);
    // Between the stays she was not in 7A; during each she was.
    expect(names(await roster(c, c.sectionA.id, await localDay(c, -5)))).toEqual(['Ben']);
    expect(names(await roster(c, c.sectionA.id, await localDay(c, -15)))).toEqual(['Ana', 'Ben']);
    expect(names(await roster(c, c.sectionA.id))).toEqual(['Ana', 'Ben']);
  });

  it('records a student who joined last week, and the day they left', async () => {
    const c = await campus(t);
    const lastWeek = await localDay(c, -7);
    const joined = bodyOf(
      await enrol(c, c.sectionB.id, { studentIds: [c.ids.ana], joinedOn: lastWeek }),
      200,
    );
    expect(joined).toMatchObject({ added: [c.ids.ana], joinedOn: lastWeek, enrolledCount: 2 });
    expect(names(await roster(c, c.sectionB.id, lastWeek))).toEqual(['Ana']);
    expect(names(await roster(c, c.sectionB.id, await localDay(c, -8)))).toEqual([]);

    const leftOn = await localDay(c, -2);
    expect((await withdraw(c, c.sectionB.id, c.ids.ana, leftOn)).statusCode).toBe(204);
    // Cleo joined 7B today.
    expect(names(await roster(c, c.sectionB.id, await localDay(c, -3)))).toEqual(['Ana']);
    expect(names(await roster(c, c.sectionB.id, leftOn))).toEqual([]);
    expect(names(await roster(c, c.sectionB.id))).toEqual(['Cleo']);
  });

  it('deletes a stay that ends the day it began: it held no day, and the section can go', async () => {
    const c = await campus(t);
    expect((await withdraw(c, c.sectionB.id, c.ids.cleo)).statusCode).toBe(204);
    expect(await membershipsIn(c, c.sectionB.id)).toEqual([]);
    expect(
      bodyOf<MembershipBody[]>(
        await call(c.school, c.owner, 'GET', `/api/students/${c.ids.cleo}/sections`),
        200,
      ),
    ).toEqual([]);
    expect(
      (await call(c.school, c.owner, 'DELETE', `/api/academics/sections/${c.sectionB.id}`))
        .statusCode,
    ).toBe(204);
  });

  it('counts only current members against the capacity, but every stay against deleting', async () => {
    const c = await campus(t);
    await backdate(c, c.sectionA.id, 30);
    const full = await enrol(c, c.sectionA.id, { studentIds: [c.ids.cleo] });
    expect(full.json().error).toMatchObject({ code: 'SECTION_FULL', details: { enrolled: 2 } });

    expect((await withdraw(c, c.sectionA.id, c.ids.ana)).statusCode).toBe(204);
    expect(bodyOf(await enrol(c, c.sectionA.id, { studentIds: [c.ids.cleo] }), 200)).toMatchObject({
      added: [c.ids.cleo],
      enrolledCount: 2,
      capacity: 2,
    });
    // Ana's place went to Cleo: she cannot come back until someone leaves.
    expect((await enrol(c, c.sectionA.id, { studentIds: [c.ids.ana] })).json().error.code).toBe(
      'SECTION_FULL',
    );
    expect(
      (
        await call(c.school, c.owner, 'PATCH', `/api/academics/sections/${c.sectionA.id}`, {
          capacity: 1,
        })
      ).json().error,
    ).toMatchObject({ code: 'CAPACITY_BELOW_ENROLMENT', details: { enrolled: 2 } });

    // Everyone leaves (Cleo the day she came, which leaves no stay); Ana's and Ben's stays
    // remain, and keep the section from being deleted.
    expect((await withdraw(c, c.sectionA.id, c.ids.ben, await localDay(c, -1))).statusCode).toBe(
      204,
    );
    expect((await withdraw(c, c.sectionA.id, c.ids.cleo)).statusCode).toBe(204);
    expect(
      bodyOf(await call(c.school, c.owner, 'GET', `/api/academics/sections/${c.sectionA.id}`), 200),
    ).toMatchObject({ enrolledCount: 0 });
    const removed = await call(
      c.school,
      c.owner,
      'DELETE',
      `/api/academics/sections/${c.sectionA.id}`,
    );
    expect(removed.statusCode).toBe(409);
    expect(removed.json().error).toMatchObject({ code: 'IN_USE', details: { students: 2 } });
  });

  it("stops a student who left from seeing the section's coursework and handing in; their work stays theirs", async () => {
    const c = await campus(t);
    const work = bodyOf<{ id: string }>(
      await call(c.school, c.as.ines, 'POST', '/api/course-content/contents', {
        sectionId: c.sectionA.id,
        subjectId: c.subject.id,
        kind: 'assignment',
        title: 'Fractions',
        body: 'Solve them.',
        maxPoints: 10,
        isPublished: true,
      }),
      201,
    );
    const handIn = () =>
      call(c.school, c.as.ana, 'POST', '/api/course-content/submissions', {
        contentId: work.id,
        body: 'My answers',
      });
    const submission = bodyOf<{ id: string }>(await handIn(), 201);
    await backdate(c, c.sectionA.id, 10);

    expect((await withdraw(c, c.sectionA.id, c.ids.ana)).statusCode).toBe(204);

    const seen = bodyOf<Page>(
      await call(c.school, c.as.ana, 'GET', '/api/course-content/contents'),
      200,
    );
    expect(seen.meta.total).toBe(0);
    expect(
      (await call(c.school, c.as.ana, 'GET', `/api/course-content/contents/${work.id}`)).statusCode,
    ).toBe(404);
    const refused = await handIn();
    expect(refused.statusCode).toBe(403);
    // Her guardian no longer sees the section's content either.
    expect(
      bodyOf<Page>(await call(c.school, c.as.gwen, 'GET', '/api/course-content/contents'), 200).meta
        .total,
    ).toBe(0);
    expect(
      bodyOf<{ id: string; student: { id: string } }>(
        await call(c.school, c.as.ana, 'GET', `/api/course-content/submissions/${submission.id}`),
        200,
      ).student.id,
    ).toBe(c.ids.ana);
    // Ben, still in 7A, sees it as before.
    expect(
      bodyOf<Page>(await call(c.school, c.as.ben, 'GET', '/api/course-content/contents'), 200)
        .data[0].id,
    ).toBe(work.id);
  });

  describe('refusals', () => {
    let c: Campus;
    let before: MembershipRow[];

    beforeAll(async () => {
      c = await campus(t);
      before = await membershipsIn(c, c.sectionA.id);
    });

    const REFUSALS: RefusalRow[] = [
      [
        'owner',
        'POST',
        '/api/academics/sections/{sectionB}/students',
        { studentIds: ['{ana}'], joinedOn: '2999-01-01' },
        400,
        'DATE_IN_FUTURE',
      ],
      [
        'owner',
        'POST',
        '/api/academics/sections/{sectionB}/students',
        { studentIds: ['{ana}'], joinedOn: '2025-06-30' },
        400,
        'BEFORE_ACADEMIC_YEAR',
      ],
      [
        'owner',
        'POST',
        '/api/academics/sections/{sectionB}/students',
        { studentIds: ['{ana}'], joinedOn: '2026-02-30' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'owner',
        'POST',
        '/api/academics/sections/{sectionB}/students',
        { studentIds: ['{ana}'], joinedOn: '2025-09-01T00:00:00Z' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'owner',
        'DELETE',
        '/api/academics/sections/{sectionA}/students/{ana}?leftOn=2999-01-01',
        undefined,
        400,
        'DATE_IN_FUTURE',
      ],
      [
        'owner',
        'DELETE',
        '/api/academics/sections/{sectionA}/students/{ana}?leftOn=2025-07-01',
        undefined,
        400,
        'LEFT_BEFORE_JOINING',
      ],
      [
        'owner',
        'DELETE',
        '/api/academics/sections/{sectionA}/students/{ana}?leftOn=yesterday',
        undefined,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'owner',
        'DELETE',
        '/api/academics/sections/{unknown}/students/{ana}',
        undefined,
        404,
        'SECTION_NOT_FOUND',
      ],
      [
        'owner',
        'GET',
        '/api/academics/sections/{sectionA}/students?on=2026-13-01',
        undefined,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'owner',
        'GET',
        '/api/academics/sections/{unknown}/students',
        undefined,
        404,
        'SECTION_NOT_FOUND',
      ],
      ['owner', 'GET', '/api/students/{unknown}/sections', undefined, 404, 'STUDENT_NOT_FOUND'],
      ['owner', 'GET', '/api/students/{ines}/sections', undefined, 404, 'STUDENT_NOT_FOUND'],
      // Students and guardians hold academics.view, but a roster names other children.
      ['ana', 'GET', '/api/academics/sections/{sectionA}/students', undefined, 403, 'FORBIDDEN'],
      ['gwen', 'GET', '/api/students/{ana}/sections', undefined, 403, 'FORBIDDEN'],
      [
        'ines',
        'DELETE',
        '/api/academics/sections/{sectionA}/students/{ana}',
        undefined,
        403,
        'FORBIDDEN',
      ],
    ];

    it.each(REFUSALS)('%s %s %s %j: %i %s', async (...row) => {
      await expectRefused(t, { c, ids: campusIds(c) }, row);
    });

    it('changed nothing, and lets an instructor read the roster', async () => {
      expect(await membershipsIn(c, c.sectionA.id)).toEqual(before);
      expect(await membershipsIn(c, c.sectionB.id)).toEqual([
        expect.objectContaining({ student_id: c.ids.cleo }),
      ]);
      const seen = bodyOf<RosterBody>(
        await call(c.school, c.as.ines, 'GET', `/api/academics/sections/${c.sectionA.id}/students`),
        200,
      );
      expect(names(seen)).toEqual(['Ana', 'Ben']);
    });
  });

  it("answers 404 to another school for a section's roster and a student's sections", async () => {
    const c = await campus(t);
    const other = await registerSchool(t.app);
    const intruder = await signIn(t.app, other.host, other.ownerUsername);
    for (const url of [
      `/api/academics/sections/${c.sectionA.id}/students`,
      `/api/academics/sections/${c.sectionA.id}/students?on=2025-09-01`,
      `/api/students/${c.ids.ana}/sections`,
    ]) {
      const response = await call(other, intruder, 'GET', url);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
    }
    for (const [method, url, payload] of [
      ['POST', `/api/academics/sections/${c.sectionA.id}/students`, { studentIds: [c.ids.cleo] }],
      [
        'DELETE',
        `/api/academics/sections/${c.sectionA.id}/students/${c.ids.ana}?leftOn=2025-09-01`,
      ],
    ] as const) {
      const response = await call(other, intruder, method, url, payload);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
    }
    expect(names(await roster(c, c.sectionA.id))).toEqual(['Ana', 'Ben']);
  });

  it('reads a roster of 40 students in as many statements as one of 5', async () => {
    const c = await campus(t);
    const [small, large] = await inSchema<{ id: string }>(
      c,
      `INSERT INTO "S".sections (level_id, academic_year_id, name, capacity)
       SELECT sec.level_id, sec.academic_year_id, v.name, 50
         FROM "S".sections sec, (VALUES ('Small'), ('Large')) v (name)
        WHERE sec.id = $1
       RETURNING id`,
      [c.sectionA.id],
    );
    // Bulk students straight into the schema keep the test quick; the roster is measured.
    await inSchema(
      c,
      `WITH p AS (
         INSERT INTO "S".profiles (kind, first_name, last_name)
         SELECT 'student', 'Bulk', 'Pupil' || n FROM generate_series(1, 45) n RETURNING id),
       s AS (
         INSERT INTO "S".students (profile_id, admission_number, admission_date)
         SELECT id, 'B-' || row_number() OVER (), current_date FROM p RETURNING profile_id)
       INSERT INTO "S".section_students (section_id, student_id, joined_on)
       SELECT CASE WHEN row_number() OVER () <= 5 THEN $1 ELSE $2 END::uuid, profile_id,
              current_date - 3
         FROM s`,
      [small.id, large.id],
    );
    const rosterOf = (id: string, size: number) => async () => {
      expect((await roster(c, id)).students).toHaveLength(size);
    };
    await rosterOf(small.id, 5)(); // caches warm
    const five = await statementsFor(rosterOf(small.id, 5), t.urls.apiRole);
    const forty = await statementsFor(rosterOf(large.id, 40), t.urls.apiRole);
    expect(forty).toBe(five);
    // The opening, the roster and the COMMIT (corked into one write, but three calls).
    expect(five).toBeLessThanOrEqual(3);
  });
});
