import { bodyOf, caller } from './support/caller';
import { feesCampus, type FeesCampus } from './support/fees';
import { inSchema } from './support/school-year';
import { createTestApp, type TestApp } from './support/test-app';

/*
 * Money under concurrency, through the HTTP app: requests fired together with Promise.all,
 * each in its own school transaction. Receipt numbers stay gapless, a balance is paid once,
 * and credit is never refunded twice.
 */

let t: TestApp;
let c: FeesCampus;
const call = caller(() => t);
let periods = 0;

/** An invoice of `totalMinor` for the student, written as the generator would (SQL, owner). */
async function writeInvoice(
  studentId: string,
  totalMinor: number,
  status: 'issued' | 'void' = 'issued',
): Promise<string> {
  const period = ++periods;
  const periodKey = `${2200 + Math.floor(period / 12)}-${String((period % 12) + 1).padStart(2, '0')}`;
  const [invoice] = await inSchema<{ id: string }>(
    c.school,
    `WITH next AS (UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'invoice'
                   RETURNING last_value)
     INSERT INTO fee_invoices (number, student_id, academic_year_id, period_key, period_starts_on,
                               period_ends_on, issued_on, due_on, status, currency, total_minor,
                               billed_days, period_days, voided_at)
     SELECT next.last_value, $1, $2, $3, $4, $4::date + 29, $4, $4::date + 9, $5, 'NPR', $6, 30, 30,
            CASE WHEN $5 = 'void' THEN now() END
       FROM next RETURNING id`,
    [studentId, c.academicYear.id, periodKey, c.today, status, totalMinor],
  );
  return invoice.id;
}

const pay = (invoiceId: string, amountMinor: number) =>
  call(c.school, c.owner, 'POST', `/api/fees/invoices/${invoiceId}/payments`, {
    method: 'cash',
    amountMinor,
  });

const receiptNumbers = async () =>
  (
    await inSchema<{ number: string }>(
      c.school,
      `SELECT number::text FROM fee_receipts r ORDER BY r.number`,
    )
  ).map((row) => Number(row.number));

const creditOf = async (studentId: string) =>
  Number(
    (
      await inSchema<{ balance: string }>(
        c.school,
        `SELECT coalesce(sum(amount_minor), 0)::text AS balance FROM fee_credit_entries
          WHERE student_id = $1`,
        [studentId],
      )
    )[0].balance,
  );

beforeAll(async () => {
  t = await createTestApp();
  c = await feesCampus(t);
});

afterAll(() => t?.close());

it('numbers 20 concurrent receipts 1..20, a refused payment among them taking none', async () => {
  const students = [c.ids.ana, c.ids.ben, c.ids.cleo, c.ids.dev];
  const invoices: string[] = [];
  for (let i = 0; i < 10; i++) invoices.push(await writeInvoice(students[i % 4], 100000));
  const voided = await writeInvoice(c.ids.ana, 100000, 'void');
  const payments = invoices.flatMap((invoice) => [pay(invoice, 30000), pay(invoice, 70000)]);
  payments.splice(10, 0, pay(voided, 5000));
  const answers = await Promise.all(payments);
  expect(answers.map((answer) => answer.statusCode).sort()).toEqual([
    ...Array<number>(20).fill(201),
    409,
  ]);
  const printed = answers
    .filter((answer) => answer.statusCode === 201)
    .map((answer) => answer.json<{ number: string }>().number)
    .sort();
  expect(printed).toEqual(
    Array.from({ length: 20 }, (_, i) => `R-${String(i + 1).padStart(6, '0')}`),
  );
  expect(await receiptNumbers()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const money = await inSchema<{ status: string; paid_minor: string }>(
    c.school,
    `SELECT status, paid_minor::text FROM fee_invoices WHERE id = ANY($1)`,
    [invoices],
  );
  expect(money).toEqual(Array(10).fill({ status: 'paid', paid_minor: '100000' }));

  // The next payment continues the sequence: the refusal gave nothing away, took nothing.
  const next = bodyOf<{ number: string }>(
    await pay(await writeInvoice(c.ids.ben, 1000), 1000),
    201,
  );
  expect(next.number).toBe('R-000021');
});

it('pays a balance once when two payments of it arrive together; the other is credit', async () => {
  const invoice = await writeInvoice(c.ids.dev, 250000);
  const creditBefore = await creditOf(c.ids.dev);
  const answers = await Promise.all([pay(invoice, 250000), pay(invoice, 250000)]);
  const receipts = answers.map((answer) =>
    bodyOf<{ appliedMinor: number; creditedMinor: number }>(answer, 201),
  );
  expect(receipts.map((r) => r.appliedMinor).sort((a, b) => a - b)).toEqual([0, 250000]);
  expect(receipts.map((r) => r.creditedMinor).sort((a, b) => a - b)).toEqual([0, 250000]);
  const [money] = await inSchema<{ status: string; paid_minor: string }>(
    c.school,
    `SELECT status, paid_minor::text FROM fee_invoices WHERE id = $1`,
    [invoice],
  );
  expect(money).toEqual({ status: 'paid', paid_minor: '250000' });
  const credited = (await creditOf(c.ids.dev)) - creditBefore;
  expect(credited).toBe(250000);
  expect(Number(money.paid_minor) + credited).toBe(500000);
});

it('refuses one of two concurrent refunds that together exceed the credit', async () => {
  const invoice = await writeInvoice(c.ids.cleo, 10000);
  bodyOf(await pay(invoice, 10000 + 80000), 201);
  const credit = await creditOf(c.ids.cleo);
  expect(credit).toBe(80000);
  const refund = () =>
    call(c.school, c.owner, 'POST', `/api/fees/students/${c.ids.cleo}/refunds`, {
      amountMinor: 50000,
      method: 'cash',
      reason: 'Overpaid',
    });
  const answers = await Promise.all([refund(), refund(), refund()]);
  const statuses = answers.map((answer) => answer.statusCode).sort();
  expect(statuses).toEqual([201, 409, 409]);
  for (const refused of answers.filter((answer) => answer.statusCode === 409)) {
    expect(refused.json()).toMatchObject({
      error: { code: 'INSUFFICIENT_CREDIT', details: { balanceMinor: 30000 } },
    });
  }
  expect(await creditOf(c.ids.cleo)).toBe(30000);
  const numbers = await inSchema<{ number: string }>(
    c.school,
    `SELECT number::text FROM fee_refunds`,
  );
  expect(numbers).toEqual([{ number: '1' }]);
});
