import { type Caller, caller } from './support/caller';
import { type FeesCampus, feesCampus } from './support/fees';
import { invoiceFor } from './support/fees-online';
import { inSchema } from './support/school-year';
import { createTestApp, type TestApp } from './support/test-app';

interface FamilyView {
  student: { id: string; firstName: string };
  currency: string;
  creditMinor: number;
  onlinePayment: boolean;
  invoices: Array<{
    id: string;
    number: string;
    status: string;
    totalMinor: number;
    paidMinor: number;
    balanceMinor: number;
    dueOn: string;
  }>;
  receipts: Array<{
    id: string;
    number: string;
    invoiceId: string;
    method: string;
    amountMinor: number;
  }>;
}

describe("fees: a family's view of a student's account", () => {
  let t: TestApp;
  let call: Caller;
  let a: FeesCampus;
  let b: FeesCampus;
  const invoices: Record<string, { id: string; number: string }> = {};

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    [a, b] = [await feesCampus(t), await feesCampus(t)];
    // Ana: last month's tuition unpaid and past due, next month's partly paid at the counter
    // (with an overpayment on an older one becoming credit), the month after's still a draft.
    invoices.overdue = await invoiceFor(a, {
      studentId: a.ids.ana,
      month: -1,
      totalMinor: 500_000,
    });
    invoices.partly = await invoiceFor(a, {
      studentId: a.ids.ana,
      month: 1,
      totalMinor: 500_000,
    });
    invoices.draft = await invoiceFor(a, {
      studentId: a.ids.ana,
      month: 2,
      totalMinor: 500_000,
      status: 'draft',
    });
    invoices.paid = await invoiceFor(a, { studentId: a.ids.ana, month: -2, totalMinor: 300_000 });
    invoices.ben = await invoiceFor(a, { studentId: a.ids.ben, month: 0, totalMinor: 500_000 });
    invoices.otherSchool = await invoiceFor(b, {
      studentId: b.ids.ana,
      month: 0,
      totalMinor: 500_000,
    });
    await inSchema(
      a.school,
      `WITH r1 AS (
         INSERT INTO fee_receipts (number, student_id, invoice_id, method, amount_minor, applied_minor, currency, received_on)
         VALUES (1, $1, $2, 'cash', 200000, 200000, 'NPR', current_date)
       ), r2 AS (
         INSERT INTO fee_receipts (number, student_id, invoice_id, method, amount_minor, applied_minor, currency, received_on)
         VALUES (2, $1, $3, 'cash', 350000, 300000, 'NPR', current_date) RETURNING id
       ), credit AS (
         INSERT INTO fee_credit_entries (student_id, amount_minor, kind, receipt_id) SELECT $1, 50000, 'excess_payment', id FROM r2
       ), invoices AS (
         UPDATE fee_invoices SET paid_minor = CASE WHEN id = $2 THEN 200000 ELSE 300000 END,
                status = CASE WHEN id = $2 THEN 'partly_paid' ELSE 'paid' END
          WHERE id IN ($2, $3)
       )
       UPDATE fee_counters SET last_value = 2 WHERE name = 'receipt'`,
      [a.ids.ana, invoices.partly.id, invoices.paid.id],
    );
  });
  afterAll(() => t?.close());

  const childFees = (c: FeesCampus, who: FeesCampus['owner'] | null, studentId: string) =>
    call(c.school, who, 'GET', `/api/guardians/my-children/${studentId}/fees`);
  const pay = (
    c: FeesCampus,
    who: FeesCampus['owner'] | null,
    studentId: string,
    invoiceId: string,
  ) =>
    call(
      c.school,
      who,
      'POST',
      `/api/guardians/my-children/${studentId}/fees/invoices/${invoiceId}/esewa`,
    );

  it("shows a guardian their child's invoices (not drafts), receipts and credit", async () => {
    const response = await childFees(a, a.as.gwen, a.ids.ana);
    expect(response.statusCode).toBe(200);
    const view = response.json<FamilyView>();
    expect(view).toMatchObject({
      student: { id: a.ids.ana, firstName: 'Ana' },
      currency: 'NPR',
      creditMinor: 50_000,
      onlinePayment: false,
    });
    const byId = new Map(view.invoices.map((invoice) => [invoice.id, invoice]));
    expect([...byId.keys()].sort()).toEqual(
      [invoices.overdue.id, invoices.partly.id, invoices.paid.id].sort(),
    );
    expect(byId.get(invoices.overdue.id)).toMatchObject({
      status: 'overdue',
      balanceMinor: 500_000,
      number: `INV-${invoices.overdue.number.padStart(6, '0')}`,
    });
    expect(byId.get(invoices.partly.id)).toMatchObject({
      status: 'partly_paid',
      paidMinor: 200_000,
      balanceMinor: 300_000,
    });
    expect(byId.get(invoices.paid.id)).toMatchObject({ status: 'paid', balanceMinor: 0 });
    expect(view.receipts.map((r) => [r.number, r.amountMinor]).sort()).toEqual([
      ['R-000001', 200_000],
      ['R-000002', 350_000],
    ]);
  });

  it("shows a student their own account, and nobody else's", async () => {
    const own = await call(a.school, a.as.ana, 'GET', '/api/fees/my-account');
    expect(own.statusCode).toBe(200);
    expect(own.json<FamilyView>()).toMatchObject({
      student: { id: a.ids.ana },
      creditMinor: 50_000,
    });
    expect(own.json<FamilyView>().invoices).toHaveLength(3);
    // Not a student here: nothing to show.
    expect((await call(a.school, a.as.gwen, 'GET', '/api/fees/my-account')).statusCode).toBe(404);
    expect((await call(a.school, a.as.ines, 'GET', '/api/fees/my-account')).statusCode).toBe(404);
    expect((await call(a.school, null, 'GET', '/api/fees/my-account')).statusCode).toBe(401);
  });

  it("answers 404 for another guardian's child and for another school's child", async () => {
    for (const studentId of [a.ids.ben, a.ids.cleo, b.ids.ana]) {
      const response = await childFees(a, a.as.gwen, studentId);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'STUDENT_NOT_FOUND' } });
    }
    // A student is not their own guardian.
    expect((await childFees(a, a.as.ana, a.ids.ana)).statusCode).toBe(404);
    // Gwen's account is Ana's guardian at A only: at B's address her token is not good.
    expect((await childFees(b, a.as.gwen, b.ids.ana)).statusCode).toBe(401);
    expect((await childFees(a, null, a.ids.ana)).statusCode).toBe(401);
  });

  it("lets a guardian pay only their own child's open invoices", async () => {
    await call(a.school, a.owner, 'PUT', '/api/fees/settings/esewa', {
      merchantCode: 'SCHOOL-A',
      secretKey: 'a secret of A',
    });
    expect((await childFees(a, a.as.gwen, a.ids.ana)).json<FamilyView>().onlinePayment).toBe(true);

    // Another guardian's child, another school's child or invoice: not found.
    expect((await pay(a, a.as.gwen, a.ids.ben, invoices.ben.id)).json()).toMatchObject({
      error: { code: 'STUDENT_NOT_FOUND' },
    });
    expect((await pay(a, a.as.gwen, b.ids.ana, invoices.otherSchool.id)).statusCode).toBe(404);
    expect((await pay(a, a.as.gwen, a.ids.ana, invoices.otherSchool.id)).json()).toMatchObject({
      error: { code: 'INVOICE_NOT_FOUND' },
    });
    expect((await pay(a, a.as.gwen, a.ids.ana, invoices.ben.id)).json()).toMatchObject({
      error: { code: 'INVOICE_NOT_FOUND' },
    });
    expect((await pay(a, a.as.gwen, a.ids.ana, invoices.draft.id)).json()).toMatchObject({
      error: { code: 'INVOICE_NOT_FOUND' },
    });
    // Paid: nothing to pay online.
    const paid = await pay(a, a.as.gwen, a.ids.ana, invoices.paid.id);
    expect(paid.statusCode).toBe(409);
    expect(paid.json()).toMatchObject({ error: { code: 'INVOICE_STATUS' } });
    expect((await pay(a, null, a.ids.ana, invoices.partly.id)).statusCode).toBe(401);
    expect(
      (
        await inSchema<{ n: number }>(
          a.school,
          'SELECT count(*)::int AS n FROM fee_online_payments',
        )
      )[0].n,
    ).toBe(0);

    // Overdue and partly paid invoices are paid for their balance now.
    const overdue = await pay(a, a.as.gwen, a.ids.ana, invoices.overdue.id);
    expect(overdue.statusCode).toBe(201);
    expect(overdue.json()).toMatchObject({
      payment: { amountMinor: 500_000, status: 'pending' },
      fields: { total_amount: '5000', product_code: 'SCHOOL-A' },
    });
    const partly = await pay(a, a.as.gwen, a.ids.ana, invoices.partly.id);
    expect(partly.json()).toMatchObject({
      payment: { amountMinor: 300_000 },
      fields: { total_amount: '3000' },
    });
  });
});
