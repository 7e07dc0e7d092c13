import { bodyOf, caller } from './support/caller';
import { type FeesCampus, feesCampus, monthKey, monthStart } from './support/fees';
import { inSchema } from './support/school-year';
import { statementsSent } from './support/statements';
import { createTestApp, type TestApp } from './support/test-app';

/** Sections of the large level: 25 of 40, as the bench's school has. */
const SECTIONS = 25;
const LARGE = 1000;

/**
 * Billing a whole level and reading its dues cost the same SQL statements for 1,000 students as
 * for 3: the routes are set-based, so a school's size shows in time, never in round trips.
 */
describe('fees at scale: 1,000 students cost the statements of 3', () => {
  let t: TestApp;
  let c: FeesCampus;
  const call = caller(() => t);
  const levels = {} as { small: string; large: string };

  /**
   * A level of the campus's program with its own monthly tuition structure and `students`
   * who joined on the year's first day, spread over `sections`: one statement as the owner,
   * set-based like the bench's seed, so seeding 1,000 takes no longer to write than 3.
   */
  const seedLevel = async (name: string, position: number, students: number, sections: number) => {
    const [row] = await inSchema<{ id: string }>(
      c.school,
      `WITH lv AS (INSERT INTO academic_levels (program_id, name, position)
                   VALUES ($1, $3, $4) RETURNING id),
            sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                    SELECT lv.id, $2, $3 || '-' || n, 60 FROM lv, generate_series(1, $6::int) n
                    RETURNING id, name),
            numbered AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS slot FROM sec),
            p AS (INSERT INTO profiles (kind, first_name, last_name)
                  SELECT 'student', 'Pupil', $3 || '-' || n FROM generate_series(1, $5::int) n
                  RETURNING id),
            st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                   SELECT id, $3 || '-' || row_number() OVER (), $7::date FROM p
                   RETURNING profile_id),
            seated AS (SELECT profile_id, (row_number() OVER () - 1) % $6::int AS slot FROM st),
            joined AS (INSERT INTO section_students (section_id, student_id, joined_on)
                       SELECT numbered.id, seated.profile_id, $7::date
                         FROM seated JOIN numbered USING (slot)),
            fs AS (INSERT INTO fee_structures (academic_year_id, name, level_id)
                   SELECT $2, $3 || ' fees', lv.id FROM lv RETURNING id),
            line AS (INSERT INTO fee_structure_lines (structure_id, head_id, amount_minor,
                                                      schedule, due_day)
                     SELECT fs.id, $8, 500000, 'monthly', 10 FROM fs)
       SELECT id FROM lv`,
      [
        c.program.id,
        c.academicYear.id,
        name,
        position,
        students,
        sections,
        c.academicYear.startsOn,
        c.heads.tuition,
      ],
    );
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await feesCampus(t);
    levels.small = await seedLevel('Small', 6, 3, 1);
    levels.large = await seedLevel('Large', 7, LARGE, SECTIONS);
  });
  afterAll(() => t?.close());

  /** Bills the level one new month per call: each of statementsSent's runs writes afresh. */
  const billing = (levelId: string, students: number, firstMonth: number) => {
    let month = firstMonth;
    return async () => {
      const answer = bodyOf<{ issued: number; totalMinor: number }>(
        await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
          academicYearId: c.academicYear.id,
          levelId,
          period: monthKey(monthStart(c.today, month++)),
        }),
        200,
      );
      expect(answer).toMatchObject({ issued: students, totalMinor: students * 500_000 });
    };
  };
  const dues = (levelId: string, students: number) => async () => {
    const report = bodyOf<{ students: unknown[]; totals: { students: number } }>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/fees/reports/dues?academicYearId=${c.academicYear.id}&levelId=${levelId}`,
      ),
      200,
    );
    expect([report.students.length, report.totals.students]).toEqual([students, students]);
  };

  it('bills a month for 1,000 students in the statements it takes for 3, and ages their dues likewise', async () => {
    // A dry run first so the caches every request reads are warm for both measures alike.
    await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
      academicYearId: c.academicYear.id,
      levelId: levels.small,
      period: 'annual',
      dryRun: true,
    });
    // Months -4 .. -2 for the small level, -1 .. 1 for the large: all inside the year.
    const few = await statementsSent(billing(levels.small, 3, -4), t.urls.apiRole);
    const many = await statementsSent(billing(levels.large, LARGE, -1), t.urls.apiRole);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(6);

    const [written] = await inSchema<{ invoices: number }>(
      c.school,
      `SELECT count(*)::int AS invoices FROM fee_invoices i
         JOIN section_students ss ON ss.student_id = i.student_id
         JOIN sections s ON s.id = ss.section_id
        WHERE s.level_id = $1`,
      [levels.large],
    );
    expect(written.invoices).toBe(3 * LARGE);

    const duesFew = await statementsSent(dues(levels.small, 3), t.urls.apiRole);
    const duesMany = await statementsSent(dues(levels.large, LARGE), t.urls.apiRole);
    expect(duesMany).toBe(duesFew);
  }, 600_000);
});
