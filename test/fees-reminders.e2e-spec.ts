import { type Caller, caller } from './support/caller';
import { type FeesCampus, feesCampus } from './support/fees';
import { invoiceFor } from './support/fees-online';
import { inSchema } from './support/school-year';
import { createTestApp, type TestApp } from './support/test-app';

interface Reminded {
  invoices: number;
  notified: number;
  deliveries: number;
}

interface Inbox {
  data: Array<{ category: string; title: string; body: string; data: Record<string, unknown> }>;
}

/**
 * Fee reminders reach the students with an overdue invoice and their guardians through the
 * notification inbox, once per invoice, person and day; nothing paid, void or not yet due is
 * reminded, and one school's reminders touch no other school.
 */
describe('fee reminders', () => {
  let t: TestApp;
  let call: Caller;
  let a: FeesCampus;
  let overdue: { id: string; number: string };

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    a = await feesCampus(t);
    overdue = await invoiceFor(a, { studentId: a.ids.ana, month: -1, totalMinor: 325000 });
    await invoiceFor(a, {
      studentId: a.ids.ben,
      month: -1,
      totalMinor: 500000,
      status: 'paid',
      paidMinor: 500000,
    });
    await invoiceFor(a, { studentId: a.ids.cleo, month: -1, totalMinor: 500000, status: 'void' });
    await invoiceFor(a, { studentId: a.ids.dev, month: 1, totalMinor: 500000 });
  });
  afterAll(() => t.close());

  const remind = async (campus: FeesCampus) => {
    const answer = await call(campus.school, campus.owner, 'POST', '/api/fees/reminders');
    expect(answer.statusCode).toBe(200);
    return answer.json<Reminded>();
  };

  it('reminds the student and guardian of an overdue invoice, once a day', async () => {
    expect(await remind(a)).toEqual({ invoices: 1, notified: 2, deliveries: 2 });
    const inbox = await call(a.school, a.as.gwen, 'GET', '/api/notifications?category=fees');
    expect(inbox.statusCode).toBe(200);
    const [notice] = inbox.json<Inbox>().data;
    expect(notice.title).toBe(`Fee overdue: INV-${overdue.number.padStart(6, '0')}`);
    expect(notice.body).toContain('Ana Pupil owes NPR 3,250.00');
    expect(notice.data).toMatchObject({ invoiceId: overdue.id, balanceMinor: 325000 });
    const own = await call(a.school, a.as.ana, 'GET', '/api/notifications?category=fees');
    expect(own.json<Inbox>().data).toHaveLength(1);

    // Sent again the same day: nobody hears twice.
    expect(await remind(a)).toEqual({ invoices: 1, notified: 0, deliveries: 0 });
    const rows = await inSchema<{ n: number }>(
      a.school,
      `SELECT count(*)::int AS n FROM notifications WHERE category = 'fees'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('needs fees.manage', async () => {
    const answer = await call(a.school, a.as.ines, 'POST', '/api/fees/reminders');
    expect(answer.statusCode).toBe(403);
    const guardian = await call(a.school, a.as.gwen, 'POST', '/api/fees/reminders');
    expect(guardian.statusCode).toBe(403);
  });

  it("reminds no one of another school's invoices", async () => {
    const b = await feesCampus(t);
    const before = await inSchema<{ n: number }>(
      a.school,
      `SELECT count(*)::int AS n FROM notifications`,
    );
    expect(await remind(b)).toEqual({ invoices: 0, notified: 0, deliveries: 0 });
    const after = await inSchema<{ n: number }>(
      a.school,
      `SELECT count(*)::int AS n FROM notifications`,
    );
    expect(after[0].n).toBe(before[0].n);
  });
});
