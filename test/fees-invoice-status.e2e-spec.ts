import { bodyOf, caller } from './support/caller';
import { feesCampus, type FeesCampus, monthKey, monthStart } from './support/fees';
import { inSchema, schemaOf, shiftDate } from './support/school-year';
import { createTestApp, type TestApp, withOwnerClient } from './support/test-app';

interface Stored {
  student_id: string;
  status: string;
  total: string;
  balance: string;
  fines: number;
}

/*
 * An invoice's stored status follows its money whatever happens meanwhile: late fines racing a
 * payment, invoices a concession leaves asking nothing, and fines only for days that came.
 */
describe('fee invoices: the status follows the money', () => {
  let t: TestApp;
  const call = caller(() => t);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const month = (c: FeesCampus, months: number) => monthKey(monthStart(c.today, months));
  const generate = async (c: FeesCampus, period: string, extra: object = {}) =>
    bodyOf<{ issued: number }>(
      await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
        academicYearId: c.academicYear.id,
        levelId: c.level.id,
        period,
        ...extra,
      }),
      200,
    );
  const applyFines = (c: FeesCampus, body: object = {}) =>
    call(c.school, c.owner, 'POST', '/api/fees/late-fines/apply', body);
  /** Each student's invoice of the period as stored, with its number of late-fine lines. */
  const stored = async (c: FeesCampus, period: string) =>
    new Map(
      (
        await inSchema<Stored>(
          c.school,
          `SELECT i.student_id, i.status, i.total_minor::text AS total,
                  i.balance_minor::text AS balance,
                  (SELECT count(*) FROM fee_invoice_lines l
                    WHERE l.invoice_id = i.id AND l.kind = 'late_fine')::int AS fines
             FROM fee_invoices i WHERE i.period_key = $1 AND i.status <> 'void'`,
          [period],
        )
      ).map((row) => [row.student_id, row]),
    );
  const invoiceIdOf = async (c: FeesCampus, studentId: string, period: string) =>
    (
      await inSchema<{ id: string }>(
        c.school,
        `SELECT id FROM fee_invoices WHERE student_id = $1 AND period_key = $2 AND status <> 'void'`,
        [studentId, period],
      )
    )[0].id;

  it('does not fine an invoice that a payment settles while the fines are applied', async () => {
    const c = await feesCampus(t);
    const past = month(c, -1);
    await generate(c, past);
    await inSchema(
      c.school,
      `INSERT INTO fee_late_fine_rules (name, grace_days, amount_minor) VALUES ('Late fee', 0, 10000)`,
    );
    // Ben has paid part already: the fine keeps him partly paid, and Dev, who paid nothing, issued.
    await inSchema(
      c.school,
      `UPDATE fee_invoices SET paid_minor = 100000, status = 'partly_paid'
        WHERE student_id = $1 AND period_key = $2`,
      [c.ids.ben, past],
    );
    const anaInvoice = await invoiceIdOf(c, c.ids.ana, past);
    await withOwnerClient(async (db) => {
      // Ana's payment in flight: her invoice paid in full, not yet committed.
      await db.query('BEGIN');
      await db.query(`SELECT set_config('search_path', $1, true)`, [`"${schemaOf(c.school)}"`]);
      await db.query(
        `UPDATE fee_invoices SET paid_minor = total_minor, status = 'paid', updated_at = now()
          WHERE id = $1`,
        [anaInvoice],
      );
      const answer = applyFines(c);
      await withOwnerClient(async (watcher) => {
        for (let tries = 0; tries < 200; tries++) {
          const waiting = await watcher.query(
            `SELECT 1 FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE '%fee_late_fine_rules%'`,
          );
          if (waiting.rowCount) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('the fines never waited on the payment in flight');
      });
      await db.query('COMMIT');
      expect(bodyOf<{ fines: number; invoices: number }>(await answer, 200)).toMatchObject({
        fines: 3,
        invoices: 3,
      });
    });
    const after = await stored(c, past);
    expect(after.get(c.ids.ana)).toEqual({
      student_id: c.ids.ana,
      status: 'paid',
      total: '500000',
      balance: '0',
      fines: 0,
    });
    expect(after.get(c.ids.ben)).toMatchObject({
      status: 'partly_paid',
      total: '510000',
      balance: '410000',
      fines: 1,
    });
    expect(after.get(c.ids.dev)).toMatchObject({ status: 'issued', balance: '510000', fines: 1 });
  });

  it('stores an invoice asking nothing as paid, generated or issued from a draft, never overdue', async () => {
    const c = await feesCampus(t);
    await inSchema(
      c.school,
      `INSERT INTO fee_concessions (student_id, academic_year_id, percent, reason)
       VALUES ($1, $2, 100, 'Staff child')`,
      [c.ids.dev, c.academicYear.id],
    );
    const [past, next, later] = [month(c, -1), month(c, 1), month(c, 2)];
    await generate(c, past);
    await generate(c, next);
    await generate(c, later, { asDraft: true });
    expect((await stored(c, past)).get(c.ids.dev)).toMatchObject({ status: 'paid', total: '0' });
    expect((await stored(c, past)).get(c.ids.ben)).toMatchObject({ status: 'issued' });
    const shown = bodyOf<{ status: string; balanceMinor: number }>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/fees/invoices/${await invoiceIdOf(c, c.ids.dev, past)}`,
      ),
      200,
    );
    expect(shown).toMatchObject({ status: 'paid', balanceMinor: 0 });
    const overdue = bodyOf<{ data: Array<{ studentId: string }> }>(
      await call(c.school, c.owner, 'GET', '/api/fees/invoices?status=overdue'),
      200,
    );
    expect(overdue.data.map((i) => i.studentId)).not.toContain(c.ids.dev);

    const draft = await invoiceIdOf(c, c.ids.dev, later);
    expect((await stored(c, later)).get(c.ids.dev)).toMatchObject({ status: 'draft' });
    const issued = await call(c.school, c.owner, 'POST', `/api/fees/invoices/${draft}/issue`);
    expect(bodyOf<{ status: string }>(issued, 200).status).toBe('paid');
    const ben = await invoiceIdOf(c, c.ids.ben, later);
    const benIssued = await call(c.school, c.owner, 'POST', `/api/fees/invoices/${ben}/issue`);
    expect(bodyOf<{ status: string }>(benIssued, 200).status).toBe('issued');

    // Withdrawing still voids what a later period billed, as for an untouched issued invoice.
    const withdrawn = await call(c.school, c.owner, 'DELETE', `/api/students/${c.ids.dev}`);
    expect(withdrawn.statusCode).toBe(204);
    const [voided] = await inSchema<{ statuses: string[] }>(
      c.school,
      `SELECT array_agg(status ORDER BY period_starts_on) AS statuses
         FROM fee_invoices WHERE student_id = $1`,
      [c.ids.dev],
    );
    expect(voided.statuses).toEqual(['paid', 'void', 'void']);
  });

  it("refuses to fine for a day after the school's today, and fines for today", async () => {
    const c = await feesCampus(t);
    const past = month(c, -1);
    await generate(c, past);
    await inSchema(
      c.school,
      `INSERT INTO fee_late_fine_rules (name, grace_days, amount_minor) VALUES ('Late fee', 0, 10000)`,
    );
    // Far enough ahead that every invoice of next month would be past due: none may be fined.
    await generate(c, month(c, 1));
    for (const on of [shiftDate(c.today, 1), shiftDate(c.today, 90)]) {
      const refused = await applyFines(c, { on });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: [{ field: 'on' }] },
      });
    }
    const [lines] = await inSchema<{ n: number }>(
      c.school,
      `SELECT count(*)::int AS n FROM fee_invoice_lines WHERE kind = 'late_fine'`,
    );
    expect(lines.n).toBe(0);
    const today = bodyOf<{ on: string; fines: number }>(await applyFines(c, { on: c.today }), 200);
    expect(today).toEqual(expect.objectContaining({ on: c.today, fines: 4 }));
  });
});
