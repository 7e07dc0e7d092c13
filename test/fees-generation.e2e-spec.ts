import { bodyOf, caller } from './support/caller';
import { feesCampus, type FeesCampus, monthEnd, monthKey, monthStart } from './support/fees';
import { inSchema, schemaOf, shiftDate } from './support/school-year';
import { statementsSent } from './support/statements';
import { createTestApp, type TestApp, withOwnerClient } from './support/test-app';

interface Line {
  headId: string;
  description: string;
  amountMinor: number;
  concessionMinor: number;
  netMinor: number;
}
interface Generation {
  dryRun: boolean;
  period: { key: string; startsOn: string; endsOn: string };
  issued: number;
  totalMinor: number;
  invoices: Array<{
    studentId: string;
    studentName: string;
    totalMinor: number;
    billedDays: number;
    periodDays: number;
    dueOn: string;
    lines: Line[];
  }>;
  existing: string[];
  skipped: Array<{ studentId: string; reason: string }>;
}

/** Days from `from` to `to`, both counted. */
const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;

/** amount × billed / period, rounded half up, in integers: the rule the invoices follow. */
const proRata = (amount: number, billed: number, period: number) =>
  Number((BigInt(amount) * BigInt(billed) * 2n + BigInt(period)) / (2n * BigInt(period)));

describe('fee invoices: generating them', () => {
  let t: TestApp;
  const call = caller(() => t);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const generate = async (c: FeesCampus, body: object, status = 200) =>
    bodyOf<Generation>(
      await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
        academicYearId: c.academicYear.id,
        levelId: c.level.id,
        ...body,
      }),
      status,
    );
  const written = async (c: FeesCampus) => {
    const [row] = await inSchema<{ invoices: number; lines: number; last: string }>(
      c.school,
      `SELECT (SELECT count(*) FROM fee_invoices)::int AS invoices,
              (SELECT count(*) FROM fee_invoice_lines)::int AS lines,
              (SELECT last_value FROM fee_counters WHERE name = 'invoice')::text AS last`,
    );
    return row;
  };

  it('bills a month once: a second run issues nothing new and lists the students as existing', async () => {
    const c = await feesCampus(t);
    const month = monthKey(monthStart(c.today, -3));
    const first = await generate(c, { period: month });
    expect(first.issued).toBe(3); // Cleo joined later in the year
    expect(first.period).toEqual({
      key: month,
      startsOn: `${month}-01`,
      endsOn: monthEnd(`${month}-01`),
    });
    expect(first.totalMinor).toBe(3 * 500000);
    expect(first.invoices.map((i) => i.studentId).sort()).toEqual(
      [c.ids.ana, c.ids.ben, c.ids.dev].sort(),
    );
    for (const invoice of first.invoices) {
      expect(invoice.dueOn).toBe(`${month}-10`);
      expect(invoice.lines).toEqual([
        expect.objectContaining({ description: 'Tuition', amountMinor: 500000, netMinor: 500000 }),
      ]);
    }
    const again = await generate(c, { period: month });
    expect(again.issued).toBe(0);
    expect(again.invoices).toEqual([]);
    expect(again.existing.sort()).toEqual([c.ids.ana, c.ids.ben, c.ids.dev].sort());
    expect(await written(c)).toEqual({ invoices: 3, lines: 3, last: '3' });
  });

  it('answers a dry run with exactly what the real run then writes, and writes nothing', async () => {
    const c = await feesCampus(t);
    const term = `term:${c.terms[0].id}`;
    const dry = await generate(c, { period: term, dryRun: true });
    expect(dry.issued).toBe(4);
    expect(await written(c)).toEqual({ invoices: 0, lines: 0, last: '0' });
    const real = await generate(c, { period: term });
    expect(real).toEqual({ ...dry, dryRun: false });
    expect(await written(c)).toEqual({ invoices: 4, lines: 4, last: '4' });
    const numbers = await inSchema<{ number: string }>(
      c.school,
      'SELECT number::text FROM fee_invoices ORDER BY number',
    );
    expect(numbers.map((row) => row.number)).toEqual(['1', '2', '3', '4']);
  });

  it('charges Cleo, admitted mid-year, for her days of the month and term, and the once fees in full', async () => {
    const c = await feesCampus(t);
    const month = monthStart(c.today, -2);
    const monthDays = daysBetween(month, monthEnd(month));
    const billed = daysBetween(c.cleoJoined, monthEnd(month));
    const monthly = await generate(c, { sectionId: c.sectionB.id, period: monthKey(month) });
    expect(monthly.invoices).toHaveLength(1);
    const [cleo] = monthly.invoices;
    expect(cleo).toMatchObject({
      studentId: c.ids.cleo,
      billedDays: billed,
      periodDays: monthDays,
    });
    expect(cleo.totalMinor).toBe(proRata(500000, billed, monthDays));
    expect(cleo.lines[0].amountMinor).toBe(proRata(500000, billed, monthDays));

    const term = c.terms[0];
    const termDays = daysBetween(term.startsOn, term.endsOn);
    const termBilled = daysBetween(c.cleoJoined, term.endsOn);
    const perTerm = await generate(c, { period: `term:${term.id}` });
    const cleoTerm = perTerm.invoices.find((i) => i.studentId === c.ids.cleo)!;
    expect(cleoTerm).toMatchObject({ billedDays: termBilled, periodDays: termDays });
    expect(cleoTerm.totalMinor).toBe(proRata(150000, termBilled, termDays));
    const ana = perTerm.invoices.find((i) => i.studentId === c.ids.ana)!;
    expect(ana).toMatchObject({ billedDays: termDays, totalMinor: 150000 });
    expect(ana.dueOn).toBe(shiftDate(term.startsOn, 14));

    const annual = await generate(c, { period: 'annual' });
    const cleoYear = annual.invoices.find((i) => i.studentId === c.ids.cleo)!;
    expect(cleoYear.totalMinor).toBe(1000000);
    expect(cleoYear.billedDays).toBe(cleoYear.periodDays);

    const stored = await inSchema<{ billed_days: number; period_days: number; total: string }>(
      c.school,
      `SELECT billed_days, period_days, total_minor::text AS total FROM fee_invoices
        WHERE student_id = $1 AND period_key = $2`,
      [c.ids.cleo, monthKey(month)],
    );
    expect(stored).toEqual([
      { billed_days: billed, period_days: monthDays, total: String(cleo.totalMinor) },
    ]);
  });

  it("takes a student's concessions off their lines, never below nothing", async () => {
    const c = await feesCampus(t);
    await inSchema(
      c.school,
      `INSERT INTO fee_concessions (student_id, academic_year_id, head_id, percent, amount_minor, reason)
       VALUES ($1, $3, NULL, 10, NULL, 'Sibling'), ($1, $3, $4, NULL, 20000, 'Scholarship'),
              ($2, $3, NULL, 100, NULL, 'Staff child'), ($2, $3, $4, NULL, 5000, 'Extra')`,
      [c.ids.ben, c.ids.dev, c.academicYear.id, c.heads.tuition],
    );
    const run = await generate(c, { period: `term:${c.terms[0].id}`, dryRun: true });
    const ben = run.invoices.find((i) => i.studentId === c.ids.ben)!;
    expect(ben.lines).toEqual([
      expect.objectContaining({ amountMinor: 150000, concessionMinor: 15000, netMinor: 135000 }),
    ]);
    const month = await generate(c, { period: monthKey(monthStart(c.today, -1)) });
    const benMonth = month.invoices.find((i) => i.studentId === c.ids.ben)!;
    // 10% of 5,000.00 and 200.00 off tuition
    expect(benMonth.lines[0]).toMatchObject({ concessionMinor: 70000, netMinor: 430000 });
    expect(benMonth.totalMinor).toBe(430000);
    const devMonth = month.invoices.find((i) => i.studentId === c.ids.dev)!;
    expect(devMonth.lines[0]).toMatchObject({ amountMinor: 500000, concessionMinor: 500000 });
    expect(devMonth.totalMinor).toBe(0);
    const [stored] = await inSchema<{ concession: string; net: string }>(
      c.school,
      `SELECT l.concession_minor::text AS concession, l.net_minor::text AS net
         FROM fee_invoice_lines l JOIN fee_invoices i ON i.id = l.invoice_id
        WHERE i.student_id = $1`,
      [c.ids.ben],
    );
    expect(stored).toEqual({ concession: '70000', net: '430000' });
  });

  it('leaves issued invoices alone when the structure changes later', async () => {
    const c = await feesCampus(t);
    const before = monthKey(monthStart(c.today, -1));
    const first = await generate(c, { period: before });
    await inSchema(
      c.school,
      `UPDATE fee_structure_lines SET amount_minor = 777700 WHERE structure_id = $1 AND schedule = 'monthly'`,
      [c.structure.id],
    );
    await inSchema(c.school, `UPDATE fee_heads SET name = 'Tuition fee' WHERE id = $1`, [
      c.heads.tuition,
    ]);
    const page = bodyOf<{ data: Array<{ totalMinor: number; id: string }> }>(
      await call(c.school, c.owner, 'GET', `/api/fees/invoices?periodKey=${before}`),
      200,
    );
    expect(page.data.map((i) => i.totalMinor)).toEqual(first.invoices.map(() => 500000));
    const one = bodyOf<{ lines: Line[] }>(
      await call(c.school, c.owner, 'GET', `/api/fees/invoices/${page.data[0].id}`),
      200,
    );
    expect(one.lines).toEqual([
      expect.objectContaining({ description: 'Tuition', amountMinor: 500000 }),
    ]);
    const after = await generate(c, { period: monthKey(monthStart(c.today, 0)) });
    expect(after.invoices[0].lines[0]).toMatchObject({
      description: 'Tuition fee',
      amountMinor: 777700,
    });
  });

  it('writes nothing at all when another run invoices one of the students meanwhile', async () => {
    const c = await feesCampus(t);
    const month = monthKey(monthStart(c.today, 1));
    const schema = schemaOf(c.school);
    await withOwnerClient(async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
      await db.query(
        `INSERT INTO fee_invoices (number, student_id, academic_year_id, period_key,
                                   period_starts_on, period_ends_on, issued_on, due_on, currency,
                                   total_minor, billed_days, period_days)
         VALUES (900001, $1, $2, $3, $4, $5, $4, $4, 'NPR', 1, 1, 1)`,
        [c.ids.dev, c.academicYear.id, month, `${month}-01`, monthEnd(`${month}-01`)],
      );
      const answer = call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
        academicYearId: c.academicYear.id,
        levelId: c.level.id,
        period: month,
      });
      // The run has planned Dev (our row is not committed) and waits on the period's index.
      await withOwnerClient(async (watcher) => {
        for (let tries = 0; tries < 200; tries++) {
          const waiting = await watcher.query(
            `SELECT 1 FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO fee_invoices%'`,
          );
          if (waiting.rowCount) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('the generation never waited on the concurrent invoice');
      });
      await db.query('COMMIT');
      const refused = await answer;
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('INVOICES_CHANGED');
    });
    const rows = await inSchema<{ student_id: string; number: string }>(
      c.school,
      `SELECT student_id, number::text FROM fee_invoices`,
    );
    expect(rows).toEqual([{ student_id: c.ids.dev, number: '900001' }]);
    expect(await written(c)).toEqual({ invoices: 1, lines: 0, last: '0' });
  });

  it('skips a level without a structure until its program has one, and refuses periods the year does not have', async () => {
    const c = await feesCampus(t);
    const post = async (url: string, body: object, status = 201) =>
      bodyOf<{ id: string }>(await call(c.school, c.owner, 'POST', url, body), status);
    const level = await post('/api/academics/academic-levels', {
      programId: c.program.id,
      name: 'Grade 6',
      position: 6,
    });
    const section = await post('/api/academics/sections', {
      levelId: level.id,
      academicYearId: c.academicYear.id,
      name: '6A',
      capacity: 40,
    });
    const eve = await post('/api/students/enroll', {
      firstName: 'Eve',
      lastName: 'Pupil',
      admissionNumber: 'F-6',
    });
    await post(
      `/api/academics/sections/${section.id}/students`,
      { studentIds: [eve.id], joinedOn: c.academicYear.startsOn },
      200,
    );
    const skipped = await generate(c, { levelId: level.id, period: 'annual' });
    expect(skipped).toMatchObject({ issued: 0, existing: [] });
    expect(skipped.skipped).toEqual([
      { studentId: eve.id, reason: 'No fee structure for the level or its program this year' },
    ]);
    const [programs] = await inSchema<{ id: string }>(
      c.school,
      `INSERT INTO fee_structures (academic_year_id, name, program_id)
       VALUES ($1, 'Primary fees', $2) RETURNING id`,
      [c.academicYear.id, c.program.id],
    );
    await inSchema(
      c.school,
      `INSERT INTO fee_structure_lines (structure_id, head_id, amount_minor, schedule)
       VALUES ($1, $2, 250000, 'once')`,
      [programs.id, c.heads.admission],
    );
    const billed = await generate(c, { levelId: level.id, period: 'annual' });
    expect(billed.invoices).toEqual([
      expect.objectContaining({ studentId: eve.id, totalMinor: 250000 }),
    ]);

    const refused = async (body: object, status: number, code: string) => {
      const response = await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
        academicYearId: c.academicYear.id,
        levelId: c.level.id,
        period: 'annual',
        ...body,
      });
      expect([response.statusCode, response.json().error.code]).toEqual([status, code]);
    };
    await refused({ period: '2026-13' }, 400, 'VALIDATION_FAILED');
    await refused({ period: 'monthly' }, 400, 'VALIDATION_FAILED');
    await refused({ period: monthKey(monthStart(c.today, -5)) }, 400, 'VALIDATION_FAILED');
    await refused({ period: monthKey(monthStart(c.today, 8)) }, 400, 'VALIDATION_FAILED');
    await refused({ levelId: undefined }, 400, 'VALIDATION_FAILED');
    await refused({ academicYearId: c.ids.ana }, 404, 'ACADEMIC_YEAR_NOT_FOUND');
    await refused({ levelId: c.program.id }, 404, 'ACADEMIC_LEVEL_NOT_FOUND');
    await refused({ sectionId: c.level.id }, 404, 'SECTION_NOT_FOUND');
    await refused({ period: `term:${c.level.id}` }, 404, 'TERM_NOT_FOUND');
    await refused({ levelId: level.id, sectionId: c.sectionA.id }, 404, 'SECTION_NOT_FOUND');
    expect((await written(c)).invoices).toBe(1);
  });

  it('costs as many statements for 30 students as for 3', async () => {
    const c = await feesCampus(t);
    const bulk = async (name: string, size: number) => {
      const [row] = await inSchema<{ id: string }>(
        c.school,
        `WITH sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                      VALUES ($1, $2, $3, 100) RETURNING id),
              p AS (INSERT INTO profiles (kind, first_name, last_name)
                    SELECT 'student', 'Bulk', $3 || '-' || n FROM generate_series(1, $4::int) n
                    RETURNING id),
              s AS (INSERT INTO students (profile_id, admission_number, admission_date)
                    SELECT id, $3 || '-' || row_number() OVER (), current_date FROM p
                    RETURNING profile_id),
              m AS (INSERT INTO section_students (section_id, student_id, joined_on)
                    SELECT sec.id, s.profile_id, $5 FROM sec, s)
         SELECT id FROM sec`,
        [c.level.id, c.academicYear.id, name, size, c.academicYear.startsOn],
      );
      return row.id;
    };
    const three = await bulk('Three', 3);
    const thirty = await bulk('Thirty', 30);
    const run = (sectionId: string, size: number) => {
      let next = 0;
      return async () => {
        const period = monthKey(monthStart(c.today, next++));
        const body = bodyOf<Generation>(
          await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
            academicYearId: c.academicYear.id,
            sectionId,
            period,
          }),
          200,
        );
        expect(body.issued).toBe(size);
      };
    };
    await generate(c, { period: 'annual', dryRun: true }); // caches warm
    const few = await statementsSent(run(three, 3), t.urls.apiRole);
    const many = await statementsSent(run(thirty, 30), t.urls.apiRole);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(6); // opening + scope, plan, numbers, write, COMMIT (+1)
    expect((await written(c)).invoices).toBe(3 * 3 + 3 * 30);
  });
});
