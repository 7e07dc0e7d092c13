import { bodyOf, caller } from './support/caller';
import { campus } from './support/campus';
import { inSchema, schoolYear, shiftDate } from './support/school-year';
import { statementsSent } from './support/statements';
import { createTestApp, type RegisteredSchool, type TestApp } from './support/test-app';

interface ReportRow {
  studentId: string;
  sessions: number;
  present: number;
  absent: number;
  longestAbsentRun: number;
  currentAbsentRun: number;
  rate: number | null;
}

/** A section of `size` students written straight into the schema, in the school's year. */
async function bulkSection(
  school: RegisteredSchool,
  levelId: string,
  name: string,
  size: number,
  joinedOn: string,
): Promise<{ sectionId: string; studentIds: string[] }> {
  const rows = await inSchema<{ section_id: string; student_id: string }>(
    school,
    `WITH y AS (SELECT id FROM academic_years WHERE name = 'Attendance year'),
          sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                  SELECT $1, y.id, $2, 100 FROM y RETURNING id),
          p AS (INSERT INTO profiles (kind, first_name, last_name)
                SELECT 'student', 'Bulk', $2 || '-' || n FROM generate_series(1, $3::int) n
                RETURNING id),
          s AS (INSERT INTO students (profile_id, admission_number, admission_date)
                SELECT id, $2 || '-' || row_number() OVER (), current_date FROM p
                RETURNING profile_id)
     INSERT INTO section_students (section_id, student_id, joined_on)
     SELECT sec.id, s.profile_id, $4 FROM sec, s RETURNING section_id, student_id`,
    [levelId, name, size, joinedOn],
  );
  return { sectionId: rows[0].section_id, studentIds: rows.map((row) => row.student_id) };
}

describe('attendance reports: their cost and their days', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('builds the section report and saves a register in as many statements for 40 students as for 5', async () => {
    const c = await campus(t);
    const today = await schoolYear(c.school, {
      name: 'Attendance year',
      startsOn: '2020-07-01',
      endsOn: '2040-06-30',
      restDays: [],
    });
    const from = shiftDate(today, -20);
    const sections = {
      five: await bulkSection(c.school, c.level.id, 'Five', 5, from),
      forty: await bulkSection(c.school, c.level.id, 'Forty', 40, from),
    };
    for (const { sectionId } of Object.values(sections)) {
      await inSchema(
        c.school,
        `WITH ses AS (
           INSERT INTO attendance_sessions (section_id, on_date, kind)
           SELECT $1, d::date, 'daily' FROM generate_series($2::date, $3::date, interval '1 day') d
           RETURNING id)
         INSERT INTO attendance_records (session_id, student_id, status)
         SELECT ses.id, ss.student_id, (ARRAY['present', 'absent', 'excused'])[1 + floor(random() * 3)::int]
           FROM ses, section_students ss WHERE ss.section_id = $1`,
        [sectionId, from, shiftDate(today, -1)],
      );
    }
    const report = (sectionId: string, size: number) => async () => {
      const body = bodyOf<{ students: ReportRow[]; sessions: number }>(
        await call(
          c.school,
          c.owner,
          'GET',
          `/api/attendance/reports/sections/${sectionId}?from=${from}&to=${today}`,
        ),
        200,
      );
      expect(body.students).toHaveLength(size);
      expect(body.sessions).toBe(20);
    };
    await report(sections.five.sectionId, 5)(); // caches warm
    const five = await statementsSent(report(sections.five.sectionId, 5), t.urls.apiRole);
    const forty = await statementsSent(report(sections.forty.sectionId, 40), t.urls.apiRole);
    expect(forty).toBe(five);
    expect(five).toBeLessThanOrEqual(4); // opening + section, report, COMMIT (+1 spare)

    const registerOf = async (sectionId: string) =>
      bodyOf<{ id: string }>(
        await call(c.school, c.owner, 'POST', '/api/attendance/sessions', {
          sectionId,
          date: today,
          kind: 'daily',
        }),
        201,
      ).id;
    const saving = (id: string, studentIds: string[]) => async () => {
      bodyOf(
        await call(c.school, c.owner, 'PUT', `/api/attendance/sessions/${id}/records`, {
          records: studentIds.map((studentId, i) =>
            i % 4 === 0
              ? { studentId, status: 'late', lateMinutes: 5 }
              : { studentId, status: 'present' },
          ),
        }),
        200,
      );
    };
    const saveFive = saving(await registerOf(sections.five.sectionId), sections.five.studentIds);
    const saveForty = saving(await registerOf(sections.forty.sectionId), sections.forty.studentIds);
    await saveFive();
    const savedFive = await statementsSent(saveFive, t.urls.apiRole);
    const savedForty = await statementsSent(saveForty, t.urls.apiRole);
    expect(savedForty).toBe(savedFive);
  });

  it('counts the day daylight saving ends as one day, in the report and in the student view', async () => {
    const c = await campus(t);
    // New York falls back on Sunday 1 November 2026; this school rests on Saturdays only.
    await schoolYear(c.school, {
      name: '2026-2027',
      startsOn: '2026-07-01',
      endsOn: '2027-06-30',
      restDays: [6],
      timezone: 'America/New_York',
    });
    await inSchema(c.school, 'UPDATE section_students SET joined_on = $1', ['2026-09-01']);
    const open = (date: string) =>
      call(c.school, c.owner, 'POST', '/api/attendance/sessions', {
        sectionId: c.sectionA.id,
        date,
        kind: 'daily',
      });
    const saturday = await open('2026-10-31');
    expect(saturday.json().error).toMatchObject({
      code: 'NOT_A_SCHOOL_DAY',
      details: { reason: 'rest_day' },
    });
    for (const date of ['2026-10-30', '2026-11-01', '2026-11-02']) {
      const session = bodyOf<{ id: string }>(await open(date), 201);
      bodyOf(
        await call(c.school, c.owner, 'PUT', `/api/attendance/sessions/${session.id}/records`, {
          records: [
            { studentId: c.ids.ana, status: 'present' },
            { studentId: c.ids.ben, status: 'absent' },
          ],
        }),
        200,
      );
    }
    const window = 'from=2026-10-29&to=2026-11-03';
    const report = bodyOf<{ sessions: number; students: ReportRow[] }>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/attendance/reports/sections/${c.sectionA.id}?${window}`,
      ),
      200,
    );
    expect(report.sessions).toBe(3);
    const byStudent = Object.fromEntries(report.students.map((row) => [row.studentId, row]));
    expect(byStudent[c.ids.ana]).toMatchObject({ sessions: 3, present: 3, rate: 1 });
    expect(byStudent[c.ids.ben]).toMatchObject({
      sessions: 3,
      absent: 3,
      longestAbsentRun: 3,
      currentAbsentRun: 3,
    });

    const view = bodyOf<{ days: Array<{ date: string }>; summary: Record<string, unknown> }>(
      await call(c.school, c.owner, 'GET', `/api/students/${c.ids.ana}/attendance?${window}`),
      200,
    );
    expect(view.days.map((day) => day.date)).toEqual(['2026-10-30', '2026-11-01', '2026-11-02']);
    // Thursday to Tuesday without the Saturday: five school days, the long Sunday one of them.
    expect(view.summary).toMatchObject({ schoolDays: 5, sessions: 3, present: 3, rate: 1 });
  });
});
