import { bodyOf, caller } from './support/caller';
import { type FeesCampus, feesCampus } from './support/fees';
import { inSchema, shiftDate } from './support/school-year';
import {
  addMember,
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

interface Aged {
  notDue: number;
  d0_30: number;
  d31_60: number;
  d61_90: number;
  d90Plus: number;
}
interface Dues {
  on: string;
  currency: string;
  students: Array<{
    studentId: string;
    firstName: string;
    sectionName: string | null;
    invoices: number;
    agedMinor: Aged;
    totalMinor: number;
  }>;
  totals: { students: number; agedMinor: Aged; totalMinor: number };
}
interface Entry {
  date: string;
  kind: string;
  number: string;
  description: string;
  debitMinor: number;
  creditMinor: number;
  runningBalanceMinor: number;
}
interface Statement {
  student: { id: string; firstName: string };
  currency: string;
  entries: Entry[];
  creditMinor: number;
  balanceMinor: number;
}

const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';
const aged = (values: Partial<Aged>): Aged => ({
  notDue: 0,
  d0_30: 0,
  d31_60: 0,
  d61_90: 0,
  d90Plus: 0,
  ...values,
});

/**
 * The fee reports on known figures written with SQL as the owner (invoices, receipts, credit
 * notes and refunds are other parts' routes): collections, dues by age (each bucket's edges),
 * a student's statement, their CSV twins, and that nobody else reads them.
 */
describe('Fees: reports', () => {
  let t: TestApp;
  let c: FeesCampus;
  let other: RegisteredSchool;
  let otherOwner: SignedIn;
  const call = caller(() => t);
  const day = (days: number) => shiftDate(c.today, days);
  const get = (url: string, who: SignedIn | null = c.owner) => call(c.school, who, 'GET', url);
  const ok = async <T>(url: string) => bodyOf<T>(await get(url), 200);
  const refused = async (url: string, status: number) =>
    bodyOf<{ error: { code: string } }>(await get(url), status).error.code;
  const sql = <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
    inSchema<T>(c.school, text, parameters);

  let periods = 0;
  /** An invoice as part B writes one; `due` and `issued` are days from today. */
  const invoice = async (
    studentId: string,
    money: { total: number; credited?: number; paid?: number },
    due: number,
    status = 'issued',
  ) => {
    const [row] = await sql<{ id: string }>(
      `WITH n AS (UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'invoice'
                  RETURNING last_value)
       INSERT INTO fee_invoices (number, student_id, academic_year_id, period_key,
         period_starts_on, period_ends_on, issued_on, due_on, status, currency, total_minor,
         credited_minor, paid_minor, billed_days, period_days, voided_at)
       SELECT n.last_value, $1, $2, $3, $4::date - 5, $4::date - 5, $4::date - 5, $4, $5, 'NPR',
              $6, $7, $8, 1, 1, CASE WHEN $5 = 'void' THEN now() END
         FROM n RETURNING id`,
      [
        studentId,
        c.academicYear.id,
        `2099-${String(++periods).padStart(2, '0')}`,
        day(due),
        status,
        money.total,
        money.credited ?? 0,
        money.paid ?? 0,
      ],
    );
    return row.id;
  };
  const receipt = async (
    invoiceId: string,
    studentId: string,
    method: string,
    amount: number,
    applied: number,
    on: number,
  ) => {
    await sql(
      `WITH n AS (UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'receipt'
                  RETURNING last_value),
            r AS (INSERT INTO fee_receipts (number, student_id, invoice_id, method, amount_minor,
                    applied_minor, currency, reference, received_on)
                  SELECT n.last_value, $1, $2, $3, $4, $5, 'NPR', 'ref, "1"', $6 FROM n
                  RETURNING id)
       INSERT INTO fee_credit_entries (student_id, amount_minor, kind, receipt_id)
       SELECT $1, $4::bigint - $5::bigint, 'excess_payment', r.id FROM r WHERE $4 > $5`,
      [studentId, invoiceId, method, amount, applied, day(on)],
    );
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await feesCampus(t);
    other = await registerSchool(t.app);
    otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    const { ana, ben, cleo, dev } = c.ids;
    // Ana: not due yet, due today (0 days late), 30 and 31 days late.
    await invoice(ana, { total: 1000 }, 5);
    await invoice(ana, { total: 2000 }, 0);
    await invoice(ana, { total: 3000 }, -30);
    await invoice(ana, { total: 4000 }, -31);
    // Ben: 60, 61, 90 and 91 days late; the last partly paid long ago.
    await invoice(ben, { total: 5000 }, -60);
    await invoice(ben, { total: 6000 }, -61);
    await invoice(ben, { total: 7000 }, -90);
    const bens = await invoice(ben, { total: 8999, paid: 999 }, -91, 'partly_paid');
    await receipt(bens, ben, 'cash', 999, 999, -40);
    // Cleo: one paid with 2,000 over (credit), one partly paid and credited, then a refund.
    const paid = await invoice(cleo, { total: 3000, paid: 3000 }, -20, 'paid');
    const partly = await invoice(
      cleo,
      { total: 10000, credited: 1000, paid: 4000 },
      -10,
      'partly_paid',
    );
    await invoice(cleo, { total: 50000 }, -10, 'void');
    await invoice(cleo, { total: 60000 }, -10, 'draft');
    await receipt(partly, cleo, 'cash', 4000, 4000, -3);
    await receipt(paid, cleo, 'bank', 5000, 3000, -3);
    await sql(
      `WITH f AS (INSERT INTO fee_refunds (number, student_id, amount_minor, method, reason,
                    refunded_on)
                  VALUES (1, $1, 500, 'cash', 'Overpaid', $2) RETURNING id)
       INSERT INTO fee_credit_entries (student_id, amount_minor, kind, refund_id)
       SELECT $1, -500, 'refund', f.id FROM f`,
      [cleo, day(-2)],
    );
    await sql(
      `INSERT INTO fee_credit_notes (number, invoice_id, student_id, amount_minor, reason, issued_on)
       VALUES (1, $1, $2, 1000, 'Sports fee waived', $3)`,
      [partly, cleo, day(-1)],
    );
    // Dev owes nothing: paid in full.
    await invoice(dev, { total: 1000, paid: 1000 }, -5, 'paid');
  });
  afterAll(() => t?.close());

  describe('collections', () => {
    it('sums receipts per day and method and refunds per day, with totals', async () => {
      const report = await ok<Record<string, unknown>>(
        `/api/fees/reports/collections?from=${day(-3)}&to=${day(-1)}`,
      );
      expect(report).toEqual({
        from: day(-3),
        to: day(-1),
        currency: 'NPR',
        receipts: [
          { date: day(-3), method: 'bank', count: 1, amountMinor: 5000 },
          { date: day(-3), method: 'cash', count: 1, amountMinor: 4000 },
        ],
        refunds: [{ date: day(-2), count: 1, amountMinor: 500 }],
        totals: {
          receiptCount: 2,
          receivedMinor: 9000,
          refundCount: 1,
          refundedMinor: 500,
          netMinor: 8500,
          byMethod: [
            { method: 'bank', count: 1, amountMinor: 5000 },
            { method: 'cash', count: 1, amountMinor: 4000 },
          ],
        },
      });
      const wider = await ok<{ totals: { receiptCount: number; receivedMinor: number } }>(
        `/api/fees/reports/collections?from=${day(-40)}&to=${day(0)}`,
      );
      expect(wider.totals).toMatchObject({ receiptCount: 3, receivedMinor: 9999 });
      const empty = await ok<{ receipts: unknown[]; totals: { netMinor: number } }>(
        `/api/fees/reports/collections?from=${day(1)}&to=${day(1)}`,
      );
      expect([empty.receipts, empty.totals.netMinor]).toEqual([[], 0]);
    });

    it('refuses a window that is backwards, longer than 366 days or not dates', async () => {
      for (const query of [
        `from=${day(0)}&to=${day(-1)}`,
        `from=${day(-366)}&to=${day(0)}`,
        `from=2026-02-30&to=2026-03-01`,
        `from=${day(0)}`,
      ]) {
        expect(await refused(`/api/fees/reports/collections?${query}`, 400)).toBe(
          'VALIDATION_FAILED',
        );
        expect(await refused(`/api/fees/reports/collections.csv?${query}`, 400)).toBe(
          'VALIDATION_FAILED',
        );
      }
      expect(
        (await get(`/api/fees/reports/collections?from=${day(-365)}&to=${day(0)}`)).statusCode,
      ).toBe(200);
    });

    it('answers the same figures as CSV', async () => {
      const response = await get(`/api/fees/reports/collections.csv?from=${day(-3)}&to=${day(-1)}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="fee-collections-${day(-3)}-to-${day(-1)}.csv"`,
      );
      expect(response.body).toBe(
        '\uFEFFdate,kind,method,count,amount_minor_NPR\r\n' +
          `${day(-3)},receipts,bank,1,5000\r\n${day(-3)},receipts,cash,1,4000\r\n` +
          `${day(-2)},refunds,,1,500\r\n`,
      );
    });
  });

  describe('dues', () => {
    it("ages every student's balance on today, at each bucket's edges", async () => {
      const dues = await ok<Dues>('/api/fees/reports/dues');
      expect(dues.on).toBe(c.today);
      expect(
        dues.students.map((s) => [s.firstName, s.invoices, s.agedMinor, s.totalMinor]),
      ).toEqual([
        ['Ana', 4, aged({ notDue: 1000, d0_30: 5000, d31_60: 4000 }), 10000],
        ['Ben', 4, aged({ d31_60: 5000, d61_90: 13000, d90Plus: 8000 }), 26000],
        ['Cleo', 1, aged({ d0_30: 5000 }), 5000],
      ]);
      expect(dues.students.map((s) => s.sectionName)).toEqual(['5A', '5A', '5B']);
      expect(dues.totals).toEqual({
        students: 3,
        agedMinor: aged({ notDue: 1000, d0_30: 10000, d31_60: 9000, d61_90: 13000, d90Plus: 8000 }),
        totalMinor: 41000,
      });
    });

    it('ages on another day, one day later: every edge moves up a bucket', async () => {
      const dues = await ok<Dues>(`/api/fees/reports/dues?on=${day(1)}`);
      expect(dues.students.map((s) => [s.firstName, s.agedMinor])).toEqual([
        ['Ana', aged({ notDue: 1000, d0_30: 2000, d31_60: 7000 })],
        ['Ben', aged({ d61_90: 11000, d90Plus: 15000 })],
        ['Cleo', aged({ d0_30: 5000 })],
      ]);
    });

    it("filters by the students' current section or level and by year", async () => {
      const names = async (query: string) =>
        (await ok<Dues>(`/api/fees/reports/dues?${query}`)).students.map((s) => s.firstName);
      expect(await names(`sectionId=${c.sectionB.id}`)).toEqual(['Cleo']);
      expect(await names(`sectionId=${c.sectionA.id}`)).toEqual(['Ana', 'Ben']);
      expect(await names(`levelId=${c.level.id}&academicYearId=${c.academicYear.id}`)).toEqual([
        'Ana',
        'Ben',
        'Cleo',
      ]);
      expect(await refused(`/api/fees/reports/dues?levelId=${UNKNOWN}`, 404)).toBe(
        'ACADEMIC_LEVEL_NOT_FOUND',
      );
      expect(await refused(`/api/fees/reports/dues?sectionId=${UNKNOWN}`, 404)).toBe(
        'SECTION_NOT_FOUND',
      );
      expect(await refused(`/api/fees/reports/dues?academicYearId=${UNKNOWN}`, 404)).toBe(
        'ACADEMIC_YEAR_NOT_FOUND',
      );
      expect(await refused('/api/fees/reports/dues?on=2026-13-01', 400)).toBe('VALIDATION_FAILED');
    });
  });

  describe("a student's statement", () => {
    it('lists their account in date order with a running balance, credit and what is owed', async () => {
      const statement = await ok<Statement>(`/api/fees/students/${c.ids.cleo}/statement`);
      expect(statement.currency).toBe('NPR');
      expect(statement.student).toMatchObject({ id: c.ids.cleo, firstName: 'Cleo' });
      expect(
        statement.entries.map((e) => [
          e.date,
          e.kind,
          e.debitMinor,
          e.creditMinor,
          e.runningBalanceMinor,
        ]),
      ).toEqual([
        [day(-25), 'invoice', 3000, 0, 3000],
        [day(-15), 'invoice', 10000, 0, 13000],
        [day(-3), 'receipt', 0, 4000, 9000],
        [day(-3), 'receipt', 0, 5000, 4000],
        [day(-2), 'refund', 500, 0, 4500],
        [day(-1), 'credit_note', 0, 1000, 3500],
      ]);
      expect(statement.entries.map((e) => e.number.replace(/\d+$/, 'n'))).toEqual([
        'INV-n',
        'INV-n',
        'R-n',
        'R-n',
        'RF-n',
        'CN-n',
      ]);
      expect(statement.entries[5]).toMatchObject({
        number: 'CN-000001',
        description: 'Sports fee waived',
      });
      expect([statement.creditMinor, statement.balanceMinor]).toEqual([1500, 5000]);
      const inYear = await ok<Statement>(
        `/api/fees/students/${c.ids.cleo}/statement?academicYearId=${c.academicYear.id}`,
      );
      expect(inYear.entries).toEqual(statement.entries);
      expect(
        await refused(`/api/fees/students/${c.ids.cleo}/statement?academicYearId=${UNKNOWN}`, 404),
      ).toBe('ACADEMIC_YEAR_NOT_FOUND');
      expect(await refused(`/api/fees/students/${UNKNOWN}/statement`, 404)).toBe(
        'STUDENT_NOT_FOUND',
      );
      const quiet = await ok<Statement>(`/api/fees/students/${c.ids.dev}/statement`);
      expect([quiet.entries.length, quiet.creditMinor, quiet.balanceMinor]).toEqual([1, 0, 0]);
    });

    it('answers it as CSV, escaping what people typed', async () => {
      const response = await get(`/api/fees/students/${c.ids.cleo}/statement.csv`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="fee-statement-${c.ids.cleo}.csv"`,
      );
      const lines = response.body.replace(/^\uFEFF/, '').split('\r\n');
      expect(lines[0]).toBe('date,kind,number,description,debit_minor,credit_minor,running_minor');
      expect(lines[3]).toMatch(
        /^[\d-]+,receipt,R-\d{6},"Paid by cash \(ref, ""1""\)",0,4000,9000$/,
      );
      expect(lines).toHaveLength(8);
    });
  });

  it('never lets a name typed into the school run as a formula in the dues CSV', async () => {
    await sql(`UPDATE profiles SET first_name = $2, last_name = $3 WHERE id = $1`, [
      c.ids.ben,
      '=HYPERLINK("http://evil.example","Pay")',
      '@Pupil, "Jr"\nthe second',
    ]);
    const response = await get('/api/fees/reports/dues.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="fee-dues-${c.today}.csv"`,
    );
    const body = response.body.replace(/^\uFEFF/, '');
    expect(body.split('\r\n')[0]).toBe(
      'admission_number,last_name,first_name,section,invoices,not_due,d0_30,d31_60,d61_90,d90_plus,total_minor_NPR',
    );
    expect(body).toContain(
      `F-2,"'@Pupil, ""Jr""\nthe second","'=HYPERLINK(""http://evil.example"",""Pay"")",5A,4,0,0,5000,13000,8000,26000\r\n`,
    );
    expect(body).toContain('F-1,Pupil,Ana,5A,4,1000,5000,4000,0,0,10000\r\n');
  });

  describe('who may read them', () => {
    const urls = () => [
      `/api/fees/reports/collections?from=${day(-3)}&to=${day(0)}`,
      `/api/fees/reports/collections.csv?from=${day(-3)}&to=${day(0)}`,
      '/api/fees/reports/dues',
      '/api/fees/reports/dues.csv',
      `/api/fees/students/${c.ids.ana}/statement`,
      `/api/fees/students/${c.ids.ana}/statement.csv`,
    ];

    it('answers 401 to an anonymous caller and 403 without fees.view (even to Ana herself)', async () => {
      for (const url of urls()) {
        expect([url, (await get(url, null)).statusCode]).toEqual([url, 401]);
        for (const who of [c.as.ines, c.as.ana, c.as.gwen]) {
          expect([url, (await get(url, who)).statusCode]).toEqual([url, 403]);
        }
      }
    });

    it('serves them to a member whose role holds fees.view alone', async () => {
      const person = await addMember(t, c.school, { firstName: 'Rita', lastName: 'Reader' });
      const role = bodyOf<{ id: string }>(
        await call(c.school, c.owner, 'POST', '/api/roles', {
          name: 'Fee reader',
          permissions: ['fees.view'],
        }),
        201,
      );
      await call(c.school, c.owner, 'POST', `/api/roles/${role.id}/assignments`, {
        userId: person.userId,
      });
      const reader = await signIn(t.app, c.school.host, person.username, person.password);
      for (const url of urls()) {
        expect([url, (await get(url, reader)).statusCode]).toEqual([url, 200]);
      }
    });

    it("shows another school nothing of this school's money", async () => {
      const theirs = (url: string) => call(other, otherOwner, 'GET', url);
      const collections = bodyOf<{ receipts: unknown[]; totals: { receivedMinor: number } }>(
        await theirs(`/api/fees/reports/collections?from=${day(-40)}&to=${day(0)}`),
        200,
      );
      expect([collections.receipts, collections.totals.receivedMinor]).toEqual([[], 0]);
      const dues = bodyOf<Dues>(await theirs('/api/fees/reports/dues'), 200);
      expect([dues.students, dues.totals.totalMinor]).toEqual([[], 0]);
      for (const url of [
        `/api/fees/students/${c.ids.cleo}/statement`,
        `/api/fees/students/${c.ids.cleo}/statement.csv`,
        `/api/fees/reports/dues?sectionId=${c.sectionA.id}`,
        `/api/fees/reports/dues.csv?levelId=${c.level.id}`,
      ]) {
        expect([url, (await theirs(url)).statusCode]).toEqual([url, 404]);
      }
    });
  });
});
