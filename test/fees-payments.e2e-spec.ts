import { bodyOf, caller, type Method, type Page } from './support/caller';
import { feesCampus, type FeesCampus } from './support/fees';
import { inSchema, shiftDate } from './support/school-year';
import { statementsSent } from './support/statements';
import { addMember, createTestApp, type SignedIn, signIn, type TestApp } from './support/test-app';

/*
 * Counter payments, receipts, credit notes, refunds and the student's account through the HTTP
 * API. Invoices are part B's; here they are written with SQL as the owner, numbered from the
 * school's 'invoice' counter as the generator numbers them.
 */

interface Receipt {
  id: string;
  number: string;
  studentId: string;
  invoice: { id: string; number: string };
  method: string;
  amountMinor: number;
  appliedMinor: number;
  creditedMinor: number;
  currency: string;
  reference: string | null;
  receivedBy: string | null;
  receivedOn: string;
}
interface Account {
  balanceMinor: number;
  currency: string;
  entries: { kind: string; amountMinor: number; source: string; sourceId: string }[];
}
interface InvoiceMoney {
  status: string;
  total_minor: string;
  credited_minor: string;
  paid_minor: string;
}

let t: TestApp;
let c: FeesCampus;
let other: FeesCampus;
let cashier: SignedIn;
const call = caller(() => t);
let periods = 0;

/** An invoice of `totalMinor` for the student (one Tuition line), in `status`. */
async function writeInvoice(
  campus: FeesCampus,
  studentId: string,
  totalMinor: number,
  status: 'draft' | 'issued' | 'void' = 'issued',
): Promise<string> {
  // Months of a far year: a key no other invoice of the student holds.
  const period = ++periods;
  const periodKey = `${2100 + Math.floor(period / 12)}-${String((period % 12) + 1).padStart(2, '0')}`;
  const [invoice] = await inSchema<{ id: string }>(
    campus.school,
    `WITH next AS (UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'invoice'
                   RETURNING last_value)
     INSERT INTO fee_invoices (number, student_id, academic_year_id, period_key, period_starts_on,
                               period_ends_on, issued_on, due_on, status, currency, total_minor,
                               billed_days, period_days, voided_at)
     SELECT next.last_value, $1, $2, $3, $4, $4::date + 29, $4, $4::date + 9, $5, 'NPR', $6, 30, 30,
            CASE WHEN $5 = 'void' THEN now() END
       FROM next RETURNING id`,
    [studentId, campus.academicYear.id, periodKey, campus.today, status, totalMinor],
  );
  await inSchema(
    campus.school,
    `INSERT INTO fee_invoice_lines (invoice_id, kind, head_id, description, amount_minor)
     VALUES ($1, 'fee', $2, 'Tuition', $3)`,
    [invoice.id, campus.heads.tuition, totalMinor],
  );
  return invoice.id;
}

const invoiceMoney = async (id: string, campus = c) =>
  (
    await inSchema<InvoiceMoney>(
      campus.school,
      `SELECT status, total_minor::text, credited_minor::text, paid_minor::text
         FROM fee_invoices WHERE id = $1`,
      [id],
    )
  )[0];

const as = (who: SignedIn | null, method: Method, url: string, payload?: object, campus = c) =>
  call(campus.school, who, method, url, payload);

const pay = (invoiceId: string, payload: object, who: SignedIn = cashier) =>
  as(who, 'POST', `/api/fees/invoices/${invoiceId}/payments`, payload);

const accountOf = async (studentId: string) =>
  bodyOf<Account>(await as(c.owner, 'GET', `/api/fees/students/${studentId}/account`), 200);

beforeAll(async () => {
  t = await createTestApp();
  c = await feesCampus(t);
  other = await feesCampus(t);
  const role = bodyOf<{ id: string }>(
    await as(c.owner, 'POST', '/api/roles', {
      name: 'Cashier',
      permissions: ['fees.view', 'fees.collect'],
    }),
    201,
  );
  const member = await addMember(t, c.school, { firstName: 'Cara', lastName: 'Cashier' });
  bodyOf(
    await as(c.owner, 'POST', `/api/roles/${role.id}/assignments`, { userId: member.userId }),
    201,
  );
  cashier = await signIn(t.app, c.school.host, member.username, member.password);
});

afterAll(() => t?.close());

describe('payments at the counter', () => {
  it('pays an invoice in parts: a numbered receipt each, the status following the money', async () => {
    const invoice = await writeInvoice(c, c.ids.ben, 500000);
    const first = bodyOf<Receipt>(await pay(invoice, { method: 'cash', amountMinor: 200000 }), 201);
    expect(first).toMatchObject({
      studentId: c.ids.ben,
      method: 'cash',
      amountMinor: 200000,
      appliedMinor: 200000,
      creditedMinor: 0,
      currency: 'NPR',
      reference: null,
      receivedBy: 'Cara Cashier',
      receivedOn: c.today,
    });
    expect(first.number).toMatch(/^R-\d{6}$/);
    expect(first.invoice).toEqual({ id: invoice, number: expect.stringMatching(/^INV-\d{6}$/) });
    expect(await invoiceMoney(invoice)).toMatchObject({
      status: 'partly_paid',
      paid_minor: '200000',
    });

    const yesterday = shiftDate(c.today, -1);
    const second = bodyOf<Receipt>(
      await pay(invoice, {
        method: 'cheque',
        amountMinor: 300000,
        reference: ' CHQ 1 ',
        receivedOn: yesterday,
      }),
      201,
    );
    expect(second).toMatchObject({
      appliedMinor: 300000,
      reference: 'CHQ 1',
      receivedOn: yesterday,
    });
    expect(Number(second.number.slice(2))).toBe(Number(first.number.slice(2)) + 1);
    expect(await invoiceMoney(invoice)).toMatchObject({ status: 'paid', paid_minor: '500000' });
    expect(
      bodyOf<Receipt>(await as(cashier, 'GET', `/api/fees/receipts/${second.id}`), 200),
    ).toEqual(
      expect.objectContaining({ id: second.id, number: second.number, appliedMinor: 300000 }),
    );
  });

  it("turns an overpayment into the student's credit, and all of a paid invoice's", async () => {
    const invoice = await writeInvoice(c, c.ids.dev, 500000);
    const over = bodyOf<Receipt>(await pay(invoice, { method: 'cash', amountMinor: 650000 }), 201);
    expect(over).toMatchObject({
      amountMinor: 650000,
      appliedMinor: 500000,
      creditedMinor: 150000,
    });
    const again = bodyOf<Receipt>(
      await pay(invoice, { method: 'bank', amountMinor: 1000, reference: 'TX-9' }),
      201,
    );
    expect(again).toMatchObject({ appliedMinor: 0, creditedMinor: 1000 });
    expect(await invoiceMoney(invoice)).toMatchObject({ status: 'paid', paid_minor: '500000' });
    const account = await accountOf(c.ids.dev);
    expect(account.balanceMinor).toBe(151000);
    expect(account.currency).toBe('NPR');
    expect(account.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'excess_payment',
          amountMinor: 150000,
          source: over.number,
        }),
        expect.objectContaining({
          kind: 'excess_payment',
          amountMinor: 1000,
          source: again.number,
        }),
      ]),
    );
  });

  it('refuses draft and void invoices, and a bank or cheque payment without its reference', async () => {
    for (const status of ['draft', 'void'] as const) {
      const invoice = await writeInvoice(c, c.ids.ben, 10000, status);
      const refused = await pay(invoice, { method: 'cash', amountMinor: 100 });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        error: { code: 'INVOICE_STATUS', details: { status } },
      });
    }
    const invoice = await writeInvoice(c, c.ids.ben, 10000);
    for (const body of [
      { method: 'bank', amountMinor: 100 },
      { method: 'cheque', amountMinor: 100, reference: '   ' },
      { method: 'cash', amountMinor: 0 },
      { method: 'cash', amountMinor: 1.5 },
      { method: 'cash', amountMinor: 1_000_000_000_001 },
      { method: 'cash', amountMinor: '100' },
      { method: 'esewa', amountMinor: 100 },
      { method: 'cash', amountMinor: 100, receivedOn: '2026-02-30' },
      { method: 'cash', amountMinor: 100, receivedOn: shiftDate(c.today, 1) },
      { method: 'cash', amountMinor: 100, appliedMinor: 100 },
    ]) {
      const refused = await pay(invoice, body);
      expect({ body, status: refused.statusCode }).toEqual({ body, status: 400 });
      expect(refused.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await invoiceMoney(invoice)).toMatchObject({ status: 'issued', paid_minor: '0' });
    const unknown = await pay('00000000-0000-4000-8000-000000000000', {
      method: 'cash',
      amountMinor: 1,
    });
    expect(unknown.statusCode).toBe(404);
    expect((await pay('not-a-uuid', { method: 'cash', amountMinor: 1 })).statusCode).toBe(400);
  });

  it('lists receipts by student, method and days received', async () => {
    const invoice = await writeInvoice(c, c.ids.cleo, 300000);
    const cash = bodyOf<Receipt>(await pay(invoice, { method: 'cash', amountMinor: 1000 }), 201);
    const old = bodyOf<Receipt>(
      await pay(invoice, {
        method: 'bank',
        amountMinor: 2000,
        reference: 'B-1',
        receivedOn: shiftDate(c.today, -10),
      }),
      201,
    );
    const list = async (query: string) =>
      bodyOf<Page<Receipt>>(await as(c.owner, 'GET', `/api/fees/receipts?${query}`), 200);
    const ofCleo = await list(`studentId=${c.ids.cleo}`);
    expect(ofCleo.data.map((r) => r.id)).toEqual([old.id, cash.id]);
    expect(ofCleo.meta.total).toBe(2);
    expect((await list(`studentId=${c.ids.cleo}&method=bank`)).data.map((r) => r.id)).toEqual([
      old.id,
    ]);
    const recent = await list(
      `studentId=${c.ids.cleo}&from=${shiftDate(c.today, -1)}&to=${c.today}`,
    );
    expect(recent.data.map((r) => r.id)).toEqual([cash.id]);
    expect((await list('pageSize=1')).data).toHaveLength(1);
    expect((await as(c.owner, 'GET', '/api/fees/receipts?method=card')).statusCode).toBe(400);
    expect((await as(c.owner, 'GET', '/api/fees/receipts?from=yesterday')).statusCode).toBe(400);
  });
});

describe('cost', () => {
  it('sends as many statements for a big account, list or overpayment as for a small one', async () => {
    const sent = (work: () => Promise<unknown>) => statementsSent(work, t.urls.apiRole);
    const payment = (amountMinor: number) => async () => {
      const invoice = await writeInvoice(c, c.ids.ana, 1000);
      bodyOf(await pay(invoice, { method: 'cash', amountMinor }), 201);
    };
    const exact = await sent(payment(1000));
    // The cashier, the invoice's lock, the receipt's write, the receipt's view (and the opening).
    expect(exact).toBeGreaterThanOrEqual(4);
    expect(await sent(payment(9000))).toBe(exact);
    const small = await writeInvoice(c, c.ids.dev, 1000);
    bodyOf(await pay(small, { method: 'cash', amountMinor: 1001 }), 201);
    for (let i = 0; i < 8; i++) {
      const invoice = await writeInvoice(c, c.ids.ana, 1000);
      bodyOf(await pay(invoice, { method: 'cash', amountMinor: 1500 }), 201);
    }
    const read = (url: string) => async () => bodyOf(await as(c.owner, 'GET', url), 200);
    expect(await sent(read(`/api/fees/students/${c.ids.ana}/account`))).toBe(
      await sent(read(`/api/fees/students/${c.ids.dev}/account`)),
    );
    expect(await sent(read(`/api/fees/receipts?studentId=${c.ids.ana}`))).toBe(
      await sent(read(`/api/fees/receipts?studentId=${c.ids.dev}`)),
    );
  });
});

describe('credit notes', () => {
  const note = (invoiceId: string, amountMinor: number, who: SignedIn = c.owner) =>
    as(who, 'POST', `/api/fees/invoices/${invoiceId}/credit-notes`, {
      amountMinor,
      reason: 'Sibling discount',
    });

  it("moves paid money the invoice no longer asks for into the student's credit", async () => {
    const invoice = await writeInvoice(c, c.ids.ana, 500000);
    bodyOf(await pay(invoice, { method: 'cash', amountMinor: 500000 }), 201);
    const before = (await accountOf(c.ids.ana)).balanceMinor;
    const issued = bodyOf<{ number: string; movedToCreditMinor: number; amountMinor: number }>(
      await note(invoice, 200000),
      201,
    );
    expect(issued).toMatchObject({
      amountMinor: 200000,
      movedToCreditMinor: 200000,
      currency: 'NPR',
    });
    expect(issued.number).toMatch(/^CN-\d{6}$/);
    expect(await invoiceMoney(invoice)).toEqual({
      status: 'paid',
      total_minor: '500000',
      credited_minor: '200000',
      paid_minor: '300000',
    });
    const account = await accountOf(c.ids.ana);
    expect(account.balanceMinor).toBe(before + 200000);
    expect(account.entries[0]).toMatchObject({
      kind: 'credit_note',
      amountMinor: 200000,
      source: issued.number,
    });
  });

  it('takes off at most the total less earlier notes; status follows; nothing moves when unpaid', async () => {
    const invoice = await writeInvoice(c, c.ids.cleo, 500000);
    bodyOf(await pay(invoice, { method: 'cash', amountMinor: 100000 }), 201);
    const first = bodyOf<{ movedToCreditMinor: number }>(await note(invoice, 300000), 201);
    expect(first.movedToCreditMinor).toBe(0);
    expect(await invoiceMoney(invoice)).toMatchObject({
      status: 'partly_paid',
      paid_minor: '100000',
    });
    const tooMuch = await note(invoice, 200001);
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({
      error: { code: 'CREDIT_NOTE_EXCEEDS_INVOICE', details: { creditableMinor: 200000 } },
    });
    const last = bodyOf<{ movedToCreditMinor: number }>(await note(invoice, 200000), 201);
    expect(last.movedToCreditMinor).toBe(100000);
    expect(await invoiceMoney(invoice)).toEqual({
      status: 'paid',
      total_minor: '500000',
      credited_minor: '500000',
      paid_minor: '0',
    });
    expect((await note(invoice, 1)).statusCode).toBe(409);
    expect((await note(invoice, 0)).statusCode).toBe(400);
    const voided = await writeInvoice(c, c.ids.cleo, 500000, 'void');
    expect((await note(voided, 1)).json()).toMatchObject({ error: { code: 'INVOICE_STATUS' } });
    const listed = bodyOf<Page<{ invoice: { id: string } }>>(
      await as(cashier, 'GET', `/api/fees/credit-notes?studentId=${c.ids.cleo}`),
      200,
    );
    expect(listed.data.map((n) => n.invoice.id)).toEqual([invoice, invoice]);
  });
});

describe('refunds', () => {
  const refund = (studentId: string, payload: object, who: SignedIn = c.owner) =>
    as(who, 'POST', `/api/fees/students/${studentId}/refunds`, {
      method: 'cash',
      reason: 'Leaving the bus service',
      ...payload,
    });

  it('pays credit back within the balance and refuses beyond it, saying what it is', async () => {
    const invoice = await writeInvoice(c, c.ids.ben, 100000);
    bodyOf(await pay(invoice, { method: 'cash', amountMinor: 130000 }), 201);
    const balance = (await accountOf(c.ids.ben)).balanceMinor;
    expect(balance).toBeGreaterThanOrEqual(30000);
    const paid = bodyOf<{ id: string; number: string; amountMinor: number }>(
      await refund(c.ids.ben, { amountMinor: 10000, method: 'bank', reference: 'TX-REF' }),
      201,
    );
    expect(paid).toMatchObject({
      amountMinor: 10000,
      method: 'bank',
      reference: 'TX-REF',
      refundedBy: 'Olive Owner',
    });
    expect(paid.number).toMatch(/^RF-\d{6}$/);
    const after = await accountOf(c.ids.ben);
    expect(after.balanceMinor).toBe(balance - 10000);
    expect(after.entries[0]).toMatchObject({
      kind: 'refund',
      amountMinor: -10000,
      source: paid.number,
    });

    const beyond = await refund(c.ids.ben, { amountMinor: balance - 10000 + 1 });
    expect(beyond.statusCode).toBe(409);
    expect(beyond.json()).toMatchObject({
      error: {
        code: 'INSUFFICIENT_CREDIT',
        details: { balanceMinor: balance - 10000, currency: 'NPR' },
      },
    });
    expect((await refund(c.ids.ben, { amountMinor: 1, method: 'cheque' })).statusCode).toBe(400);
    expect((await refund(c.ids.ben, { amountMinor: 1, reason: '' })).statusCode).toBe(400);
    const unknown = await refund('00000000-0000-4000-8000-000000000000', { amountMinor: 1 });
    expect(unknown.json()).toMatchObject({ error: { code: 'STUDENT_NOT_FOUND' } });
    const all = bodyOf<Page<{ id: string }>>(
      await as(cashier, 'GET', `/api/fees/refunds?studentId=${c.ids.ben}`),
      200,
    );
    expect(all.data.map((r) => r.id)).toEqual([paid.id]);
    expect((await accountOf(c.ids.ben)).balanceMinor).toBe(balance - 10000);
  });
});

describe('who may', () => {
  it('keeps another school out: its ids answer 404 here, our receipts are invisible there', async () => {
    const ours = await writeInvoice(c, c.ids.ana, 50000);
    const receipt = bodyOf<Receipt>(await pay(ours, { method: 'cash', amountMinor: 60000 }), 201);
    const theirs = await writeInvoice(other, other.ids.ana, 50000);
    for (const [method, url, body] of [
      ['POST', `/api/fees/invoices/${theirs}/payments`, { method: 'cash', amountMinor: 1 }],
      ['POST', `/api/fees/invoices/${theirs}/credit-notes`, { amountMinor: 1, reason: 'x' }],
      [
        'POST',
        `/api/fees/students/${other.ids.ana}/refunds`,
        { amountMinor: 1, method: 'cash', reason: 'x' },
      ],
      ['GET', `/api/fees/students/${other.ids.ana}/account`],
    ] as [Method, string, object?][]) {
      expect({ url, status: (await as(c.owner, method, url, body)).statusCode }).toEqual({
        url,
        status: 404,
      });
    }
    expect(await invoiceMoney(theirs, other)).toMatchObject({
      status: 'issued',
      paid_minor: '0',
      credited_minor: '0',
    });
    expect(
      (await as(other.owner, 'GET', `/api/fees/receipts/${receipt.id}`, undefined, other))
        .statusCode,
    ).toBe(404);
    expect(
      (await as(other.owner, 'GET', `/api/fees/students/${c.ids.ana}/account`, undefined, other))
        .statusCode,
    ).toBe(404);
    for (const list of ['receipts', 'credit-notes', 'refunds']) {
      const page = bodyOf<Page>(
        await as(other.owner, 'GET', `/api/fees/${list}`, undefined, other),
        200,
      );
      expect({ list, total: page.meta.total }).toEqual({ list, total: 0 });
    }
    // Their owner, at our address, is nobody here.
    expect(
      (await call(c.school, other.owner, 'GET', `/api/fees/receipts/${receipt.id}`)).statusCode,
    ).toBe(401);
  });

  it('refuses 403 without the permission and 401 to an anonymous caller', async () => {
    const invoice = await writeInvoice(c, c.ids.dev, 10000);
    const routes: [Method, string, object?, SignedIn[]?][] = [
      [
        'POST',
        `/api/fees/invoices/${invoice}/payments`,
        { method: 'cash', amountMinor: 1 },
        [c.as.ines, c.as.gwen, c.as.ana],
      ],
      [
        'POST',
        `/api/fees/invoices/${invoice}/credit-notes`,
        { amountMinor: 1, reason: 'x' },
        [cashier, c.as.ines],
      ],
      [
        'POST',
        `/api/fees/students/${c.ids.dev}/refunds`,
        { amountMinor: 1, method: 'cash', reason: 'x' },
        [cashier, c.as.ines],
      ],
      ['GET', '/api/fees/receipts', undefined, [c.as.ines, c.as.gwen]],
      ['GET', '/api/fees/receipts/00000000-0000-4000-8000-000000000000', undefined, [c.as.ines]],
      ['GET', '/api/fees/credit-notes', undefined, [c.as.ines]],
      ['GET', '/api/fees/refunds', undefined, [c.as.ana]],
      ['GET', `/api/fees/students/${c.ids.dev}/account`, undefined, [c.as.ines, c.as.gwen]],
    ];
    for (const [method, url, body, refused = []] of routes) {
      for (const who of refused) {
        const answer = await as(who, method, url, body);
        expect({ url, status: answer.statusCode }).toEqual({ url, status: 403 });
        expect(answer.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      }
      expect({ url, status: (await as(null, method, url, body)).statusCode }).toEqual({
        url,
        status: 401,
      });
    }
    expect(await invoiceMoney(invoice)).toMatchObject({ paid_minor: '0', credited_minor: '0' });
  });
});
