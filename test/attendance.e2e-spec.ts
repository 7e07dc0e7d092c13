import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { inSchema, isoWeekday, schoolYear, shiftDate } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

interface Register {
  id: string;
  sectionId: string;
  date: string;
  kind: string;
  period: number;
  unlockedUntil: string | null;
  counts: Record<string, number>;
  register: Array<{
    studentId: string;
    status: string | null;
    lateMinutes: number | null;
    recordedBy: string | null;
    recordedAt: string | null;
  }>;
}

interface ReportRow {
  studentId: string;
  sessions: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  unmarked: number;
  rate: number | null;
  longestAbsentRun: number;
  currentAbsentRun: number;
}

/**
 * Registers through HTTP in one campus: 7A's homeroom is Ines (who also teaches MATH-7 there),
 * Otto teaches MATH-7 in 7B. Every day is a school day except one weekday (two days ago), a
 * holiday yesterday and the days before the year; teachers may change only today's registers.
 */
describe('attendance registers', () => {
  let t: TestApp;
  let c: Campus;
  let call: ReturnType<typeof caller>;
  let today: string;
  let ownerProfile: string;
  let other: RegisteredSchool;
  let otherOwner: SignedIn;
  const day = (n: number) => shiftDate(today, n);

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    c = await campus(t);
    const [now] = await inSchema<{ today: string }>(
      c.school,
      `SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS today FROM school_settings`,
    );
    today = now.today;
    await schoolYear(c.school, {
      name: 'Attendance year',
      startsOn: day(-100),
      endsOn: day(100),
      term: { name: 'Term 1', startsOn: day(-100), endsOn: day(100) },
      holidays: [day(-1)],
      restDays: [isoWeekday(day(-2))],
      editDays: 0,
    });
    await inSchema(c.school, 'UPDATE sections SET homeroom_instructor_id = $1 WHERE id = $2', [
      c.ids.ines,
      c.sectionA.id,
    ]);
    // Everyone has been in their section since the year began.
    await inSchema(c.school, 'UPDATE section_students SET joined_on = $1', [day(-100)]);
    [{ id: ownerProfile }] = await inSchema<{ id: string }>(
      c.school,
      `SELECT id FROM profiles WHERE kind = 'owner'`,
    );
    other = await registerSchool(t.app);
    otherOwner = await signIn(t.app, other.host, other.ownerUsername);
  });
  afterAll(async () => {
    await t.close();
  });

  const open = (who: SignedIn, payload: object) =>
    call(c.school, who, 'POST', '/api/attendance/sessions', payload);
  const daily = (date: string, sectionId = c.sectionA.id) => ({ sectionId, date, kind: 'daily' });
  const save = (who: SignedIn, id: string, records: object[]) =>
    call(c.school, who, 'PUT', `/api/attendance/sessions/${id}/records`, { records });
  const marksOf = (register: Register) =>
    Object.fromEntries(register.register.map((row) => [row.studentId, row.status]));

  it('takes a day: the homeroom opens the register, marks it; the report and a guardian see it', async () => {
    const opened = bodyOf<Register>(await open(c.as.ines, daily(today)), 201);
    expect(opened).toMatchObject({ date: today, kind: 'daily', period: 0, unlockedUntil: null });
    expect(opened.register.map((row) => [row.studentId, row.status]).sort()).toEqual(
      [
        [c.ids.ana, null],
        [c.ids.ben, null],
      ].sort(),
    );
    const again = bodyOf<Register>(await open(c.as.ines, daily(today)), 200);
    expect(again.id).toBe(opened.id);

    const saved = bodyOf<Register>(
      await save(c.as.ines, opened.id, [
        { studentId: c.ids.ana, status: 'present' },
        { studentId: c.ids.ben, status: 'late', lateMinutes: 10, note: 'bus' },
      ]),
      200,
    );
    expect(marksOf(saved)).toEqual({ [c.ids.ana]: 'present', [c.ids.ben]: 'late' });
    expect(saved.counts).toEqual({ present: 1, absent: 0, late: 1, excused: 0 });
    expect(saved.register.every((row) => row.recordedBy === c.ids.ines)).toBe(true);

    // A second save naming only Ben leaves Ana's mark alone.
    const corrected = bodyOf<Register>(
      await save(c.as.ines, opened.id, [{ studentId: c.ids.ben, status: 'absent' }]),
      200,
    );
    expect(marksOf(corrected)).toEqual({ [c.ids.ana]: 'present', [c.ids.ben]: 'absent' });

    const listed = bodyOf<Register[]>(
      await call(
        c.school,
        c.as.ines,
        'GET',
        `/api/attendance/sessions?sectionId=${c.sectionA.id}&from=${day(-6)}&to=${today}`,
      ),
      200,
    );
    expect(listed).toEqual([
      expect.objectContaining({
        id: opened.id,
        counts: { present: 1, absent: 1, late: 0, excused: 0 },
      }),
    ]);

    const report = bodyOf<{ sessions: number; students: ReportRow[] }>(
      await call(
        c.school,
        c.as.ines,
        'GET',
        `/api/attendance/reports/sections/${c.sectionA.id}?from=${day(-6)}&to=${today}`,
      ),
      200,
    );
    expect(report.sessions).toBe(1);
    const byStudent = Object.fromEntries(report.students.map((row) => [row.studentId, row]));
    expect(byStudent[c.ids.ana]).toMatchObject({
      sessions: 1,
      present: 1,
      rate: 1,
      longestAbsentRun: 0,
    });
    expect(byStudent[c.ids.ben]).toMatchObject({
      sessions: 1,
      absent: 1,
      rate: 0,
      longestAbsentRun: 1,
      currentAbsentRun: 1,
    });

    const child = bodyOf<{
      days: Array<{ date: string; sessions: Array<{ status: string }> }>;
      summary: object;
    }>(
      await call(
        c.school,
        c.as.gwen,
        'GET',
        `/api/guardians/my-children/${c.ids.ana}/attendance?from=${day(-6)}&to=${today}`,
      ),
      200,
    );
    expect(child.days).toEqual([
      { date: today, sessions: [expect.objectContaining({ kind: 'daily', status: 'present' })] },
    ]);
    expect(child.summary).toMatchObject({ kind: 'daily', sessions: 1, present: 1, rate: 1 });
    // Five school days in the week: not the rest day, not yesterday's holiday.
    expect(child.summary).toMatchObject({ schoolDays: 5 });

    const own = bodyOf<{ studentId: string; summary: object }>(
      await call(c.school, c.as.ben, 'GET', `/api/attendance/my-record?from=${today}&to=${today}`),
      200,
    );
    expect(own).toMatchObject({ studentId: c.ids.ben, summary: { absent: 1, schoolDays: 1 } });
  });

  it.each([
    ['a future date', () => day(1), 'ATTENDANCE_FUTURE_DATE', undefined],
    ['a holiday', () => day(-1), 'NOT_A_SCHOOL_DAY', 'holiday'],
    ['a rest day', () => day(-2), 'NOT_A_SCHOOL_DAY', 'rest_day'],
    ['a day outside the academic years', () => day(-101), 'NOT_A_SCHOOL_DAY', 'outside_year'],
  ])('refuses a register on %s, even for the office', async (_case, date, code, reason) => {
    const refused = await open(c.owner, daily(date()));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code,
      ...(reason ? { details: { reason } } : {}),
    });
  });

  it.each([
    [
      'a lesson without its subject',
      { kind: 'lesson', period: 1 } as Record<string, unknown>,
      'subjectId',
    ],
    ['a lesson without its period', { kind: 'lesson', subjectId: 'SUBJECT' }, 'period'],
    ['a daily register with a period', { kind: 'daily', period: 2 }, 'period'],
    ['a date that does not exist', { kind: 'daily', date: '2026-02-30' }, 'date'],
    ['an unknown kind', { kind: 'weekly' }, 'kind'],
  ])('answers 400 for %s', async (_case, payload, field) => {
    const body = {
      sectionId: c.sectionA.id,
      date: today,
      ...payload,
      ...(payload.subjectId ? { subjectId: c.subject.id } : {}),
    };
    const refused = await open(c.owner, body);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(refused.json().error.details)).toContain(field);
  });

  it.each([
    ['late without its minutes', [{ status: 'late' }]],
    ['minutes on a present mark', [{ status: 'present', lateMinutes: 3 }]],
    ['a student twice', [{ status: 'present' }, { status: 'absent' }]],
    ['an unknown mark', [{ status: 'asleep' }]],
  ])('refuses a save with %s (400), writing nothing', async (_case, records) => {
    const opened = bodyOf<Register>(await open(c.owner, daily(today)), 200);
    const before = marksOf(opened);
    const refused = await save(
      c.owner,
      opened.id,
      records.map((record) => ({ studentId: c.ids.ana, ...record })),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    const after = bodyOf<Register>(
      await call(c.school, c.owner, 'GET', `/api/attendance/sessions/${opened.id}`),
      200,
    );
    expect(marksOf(after)).toEqual(before);
  });

  it('lets only the homeroom take the daily register and only the subject teacher a lesson', async () => {
    const notHomeroom = await open(c.as.otto, daily(today));
    expect(notHomeroom.statusCode).toBe(403);
    expect(notHomeroom.json().error.code).toBe('NOT_HOMEROOM_INSTRUCTOR');
    const lesson = {
      sectionId: c.sectionA.id,
      date: today,
      kind: 'lesson',
      subjectId: c.subject.id,
      period: 1,
    };
    const notTeaching = await open(c.as.otto, lesson);
    expect(notTeaching.statusCode).toBe(403);
    expect(notTeaching.json().error.code).toBe('NOT_TEACHING_SUBJECT');
    const taken = bodyOf<Register>(await open(c.as.ines, lesson), 201);
    // Otto may not mark Ines's lesson either, by its id.
    const refused = await save(c.as.otto, taken.id, [{ studentId: c.ids.ana, status: 'present' }]);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('NOT_TEACHING_SUBJECT');
    // The same period cannot hold another subject's lesson.
    const science = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/academics/subjects', {
        code: 'SCI-7',
        name: 'Science',
        levelId: c.level.id,
      }),
      201,
    );
    const clash = await open(c.owner, { ...lesson, subjectId: science.id });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('SESSION_OF_ANOTHER_SUBJECT');
  });

  it('opens a register once however many ask at once', async () => {
    const lesson = {
      sectionId: c.sectionA.id,
      date: today,
      kind: 'lesson',
      subjectId: c.subject.id,
      period: 5,
    };
    const answers = await Promise.all([1, 2, 3, 4].map(() => open(c.as.ines, lesson)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((answer) => answer.json<Register>().id)).size).toBe(1);
    const [{ n }] = await inSchema<{ n: number }>(
      c.school,
      `SELECT count(*)::int AS n FROM attendance_sessions WHERE section_id = $1 AND period = 5`,
      [c.sectionA.id],
    );
    expect(n).toBe(1);
  });

  it('closes a register to its teacher after the editing window, until the office reopens it', async () => {
    const past = bodyOf<Register>(await open(c.owner, daily(day(-3))), 201);
    const locked = await save(c.as.ines, past.id, [{ studentId: c.ids.ana, status: 'absent' }]);
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error).toMatchObject({
      code: 'ATTENDANCE_LOCKED',
      details: { date: day(-3), editableUntil: day(-3) },
    });
    expect((await open(c.as.ines, daily(day(-3)))).statusCode).toBe(409);

    // The office corrects at any time.
    const corrected = bodyOf<Register>(
      await save(c.owner, past.id, [{ studentId: c.ids.ana, status: 'excused' }]),
      200,
    );
    expect(corrected.register.find((row) => row.studentId === c.ids.ana)).toMatchObject({
      status: 'excused',
      recordedBy: ownerProfile,
    });

    expect(
      (await call(c.school, c.as.ines, 'POST', `/api/attendance/sessions/${past.id}/unlock`))
        .statusCode,
    ).toBe(403);
    const unlocked = bodyOf<Register>(
      await call(c.school, c.owner, 'POST', `/api/attendance/sessions/${past.id}/unlock`),
      200,
    );
    expect(unlocked.unlockedUntil).toBe(today);
    const reopened = bodyOf<Register>(
      await save(c.as.ines, past.id, [{ studentId: c.ids.ana, status: 'present' }]),
      200,
    );
    expect(reopened.register.find((row) => row.studentId === c.ids.ana)).toMatchObject({
      status: 'present',
      recordedBy: c.ids.ines,
    });
  });

  it('serializes two saves of one register: both succeed, the later one stands for each student', async () => {
    const lesson = {
      sectionId: c.sectionA.id,
      date: today,
      kind: 'lesson',
      subjectId: c.subject.id,
      period: 7,
    };
    const session = bodyOf<Register>(await open(c.as.ines, lesson), 201);
    for (let round = 0; round < 5; round++) {
      const [byInes, byOwner] = await Promise.all([
        save(c.as.ines, session.id, [
          { studentId: c.ids.ana, status: 'present' },
          { studentId: c.ids.ben, status: 'absent' },
        ]),
        save(c.owner, session.id, [
          { studentId: c.ids.ana, status: 'absent' },
          { studentId: c.ids.ben, status: 'present' },
        ]),
      ]);
      const ines = bodyOf<Register>(byInes, 200);
      const owner = bodyOf<Register>(byOwner, 200);
      const final = bodyOf<Register>(
        await call(c.school, c.owner, 'GET', `/api/attendance/sessions/${session.id}`),
        200,
      );
      // Whichever wrote last wrote both marks: never one of each.
      const last = final.register[0].recordedBy === c.ids.ines ? ines : owner;
      const first = last === ines ? owner : ines;
      expect(final.register).toEqual(last.register);
      expect(new Set(final.register.map((row) => row.recordedBy)).size).toBe(1);
      expect(Date.parse(last.register[0].recordedAt!)).toBeGreaterThanOrEqual(
        Date.parse(first.register[0].recordedAt!),
      );
    }
  });

  it('marks only students who are in the section on the date and active; history stays in reports', async () => {
    const enrol = async (firstName: string) => {
      const student = bodyOf<{ id: string }>(
        await call(c.school, c.owner, 'POST', '/api/students/enroll', {
          firstName,
          lastName: 'Pupil',
          admissionNumber: `H-${firstName}`,
        }),
        201,
      );
      bodyOf(
        await call(c.school, c.owner, 'POST', `/api/academics/sections/${c.sectionB.id}/students`, {
          studentIds: [student.id],
        }),
        200,
      );
      return student.id;
    };
    const [dora, eve] = [await enrol('Dora'), await enrol('Eve')];
    await inSchema(c.school, `UPDATE section_students SET joined_on = $2 WHERE section_id = $1`, [
      c.sectionB.id,
      day(-30),
    ]);
    const lastMonth = bodyOf<Register>(await open(c.owner, daily(day(-14), c.sectionB.id)), 201);
    bodyOf(
      await save(c.owner, lastMonth.id, [
        { studentId: c.ids.cleo, status: 'present' },
        { studentId: dora, status: 'absent' },
      ]),
      200,
    );
    // Dora left last week; Eve is suspended.
    await inSchema(c.school, `UPDATE section_students SET left_on = $2 WHERE student_id = $1`, [
      dora,
      day(-7),
    ]);
    await inSchema(c.school, `UPDATE students SET status = 'suspended' WHERE profile_id = $1`, [
      eve,
    ]);

    const todays = bodyOf<Register>(await open(c.owner, daily(today, c.sectionB.id)), 201);
    expect(todays.register.map((row) => row.studentId)).not.toContain(dora);
    const refused = await save(c.owner, todays.id, [
      { studentId: c.ids.cleo, status: 'present' },
      { studentId: dora, status: 'present' },
      { studentId: eve, status: 'present' },
    ]);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'STUDENTS_NOT_MARKABLE' });
    expect([...refused.json().error.details.studentIds].sort()).toEqual([dora, eve].sort());
    const unknown = await save(c.owner, todays.id, [
      { studentId: c.ids.cleo, status: 'present' },
      { studentId: '00000000-0000-4000-8000-000000000000', status: 'present' },
    ]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.details.studentIds).toEqual([
      '00000000-0000-4000-8000-000000000000',
    ]);
    // Nothing was written by either refusal.
    const [{ n }] = await inSchema<{ n: number }>(
      c.school,
      'SELECT count(*)::int AS n FROM attendance_records WHERE session_id = $1',
      [todays.id],
    );
    expect(n).toBe(0);

    const report = bodyOf<{ sessions: number; students: ReportRow[] }>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/attendance/reports/sections/${c.sectionB.id}?from=${day(-30)}&to=${today}`,
      ),
      200,
    );
    expect(report.sessions).toBe(2);
    const byStudent = Object.fromEntries(report.students.map((row) => [row.studentId, row]));
    expect(byStudent[dora]).toMatchObject({ sessions: 1, absent: 1, rate: 0, currentAbsentRun: 1 });
    expect(byStudent[c.ids.cleo]).toMatchObject({
      sessions: 2,
      present: 1,
      unmarked: 1,
      rate: 0.5,
    });
  });

  it('counts runs of absences: the longest, and the one still going at the end of the window', async () => {
    // Six school days in a row, a month back (skipping the rest weekday).
    const days: string[] = [];
    for (let offset = -22; days.length < 6; offset--) {
      if (isoWeekday(day(offset)) !== isoWeekday(day(-2))) days.unshift(day(offset));
    }
    const statuses = ['absent', 'absent', 'absent', 'present', 'absent', 'absent'];
    for (const [i, date] of days.entries()) {
      const session = bodyOf<Register>(await open(c.owner, daily(date)), 201);
      bodyOf(await save(c.owner, session.id, [{ studentId: c.ids.ana, status: statuses[i] }]), 200);
    }
    const report = bodyOf<{ students: ReportRow[] }>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/attendance/reports/sections/${c.sectionA.id}?from=${days[0]}&to=${days[5]}`,
      ),
      200,
    );
    const ana = report.students.find((row) => row.studentId === c.ids.ana)!;
    expect(ana).toMatchObject({
      sessions: 6,
      present: 1,
      absent: 5,
      longestAbsentRun: 3,
      currentAbsentRun: 2,
    });
    const ben = report.students.find((row) => row.studentId === c.ids.ben)!;
    expect(ben).toMatchObject({ sessions: 6, unmarked: 6, longestAbsentRun: 0, rate: 0 });
  });

  it('shows instructors only students and sections they teach', async () => {
    const refusedSection = await call(
      c.school,
      c.as.ines,
      'GET',
      `/api/attendance/reports/sections/${c.sectionB.id}?from=${today}&to=${today}`,
    );
    expect(refusedSection.statusCode).toBe(404);
    const refusedStudent = await call(
      c.school,
      c.as.ines,
      'GET',
      `/api/students/${c.ids.cleo}/attendance?from=${today}&to=${today}`,
    );
    expect(refusedStudent.statusCode).toBe(404);
    expect(
      (
        await call(
          c.school,
          c.as.otto,
          'GET',
          `/api/students/${c.ids.cleo}/attendance?from=${today}&to=${today}`,
        )
      ).statusCode,
    ).toBe(200);
    // A guardian sees their own child only; a student their own record.
    expect(
      (
        await call(
          c.school,
          c.as.gwen,
          'GET',
          `/api/guardians/my-children/${c.ids.ben}/attendance?from=${today}&to=${today}`,
        )
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await call(
          c.school,
          c.as.ana,
          'GET',
          `/api/students/${c.ids.ana}/attendance?from=${today}&to=${today}`,
        )
      ).statusCode,
    ).toBe(403);
    const tooLong = await call(
      c.school,
      c.owner,
      'GET',
      `/api/students/${c.ids.ana}/attendance?from=${day(-400)}&to=${today}`,
    );
    expect(tooLong.statusCode).toBe(400);
  });

  it('lets another school see or touch none of it', async () => {
    const [session] = await inSchema<{ id: string }>(
      c.school,
      'SELECT id FROM attendance_sessions WHERE section_id = $1 LIMIT 1',
      [c.sectionA.id],
    );
    const range = `from=${today}&to=${today}`;
    for (const [method, url, payload] of [
      ['GET', `/api/attendance/sessions/${session.id}`],
      [
        'PUT',
        `/api/attendance/sessions/${session.id}/records`,
        { records: [{ studentId: c.ids.ana, status: 'absent' }] },
      ],
      ['POST', `/api/attendance/sessions/${session.id}/unlock`],
      ['POST', '/api/attendance/sessions', daily(today)],
      ['GET', `/api/attendance/sessions?sectionId=${c.sectionA.id}&${range}`],
      ['GET', `/api/attendance/reports/sections/${c.sectionA.id}?${range}`],
      ['GET', `/api/students/${c.ids.ana}/attendance?${range}`],
    ] as const) {
      const answer = await call(other, otherOwner, method, url, payload);
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 404 });
    }
    const [{ n }] = await inSchema<{ n: number }>(
      other,
      'SELECT (SELECT count(*) FROM attendance_sessions) + (SELECT count(*) FROM attendance_records) AS n',
    );
    expect(Number(n)).toBe(0);
    const untouched = bodyOf<Register>(
      await call(c.school, c.owner, 'GET', `/api/attendance/sessions/${session.id}`),
      200,
    );
    expect(untouched.id).toBe(session.id);
  });

  it('records a register saved again unchanged as nothing, and one changed mark as one entry', async () => {
    const opened = await open(c.owner, daily(today));
    const { id } = bodyOf<Register>(opened, opened.statusCode === 201 ? 201 : 200);
    const entries = () =>
      inSchema<{ entity_id: string; before: object; after: object }>(
        c.school,
        `SELECT entity_id, before, after FROM audit_events
          WHERE entity_type = 'attendance_record' AND entity_id LIKE $1 || '/%' ORDER BY at, id`,
        [id],
      );
    const everyone = [
      { studentId: c.ids.ana, status: 'present' },
      { studentId: c.ids.ben, status: 'present' },
    ];
    bodyOf(await save(c.owner, id, everyone), 200);
    const first = (await entries()).length;
    // The same marks again, by someone else later: only who recorded and when differ.
    bodyOf(await save(c.as.ines, id, everyone), 200);
    bodyOf(await save(c.owner, id, everyone), 200);
    expect(await entries()).toHaveLength(first);

    bodyOf(await save(c.as.ines, id, [{ studentId: c.ids.ben, status: 'absent' }]), 200);
    const after = await entries();
    expect(after).toHaveLength(first + 1);
    expect(after[after.length - 1]).toEqual({
      entity_id: `${id}/${c.ids.ben}`,
      before: { status: 'present' },
      after: { status: 'absent' },
    });
  });
});
