import { bodyOf, caller, type Page } from './support/caller';
import { feesCampus, type FeesCampus, monthKey, monthStart } from './support/fees';
import { inSchema } from './support/school-year';
import { createTestApp, type SignedIn, type TestApp } from './support/test-app';

interface Invoice {
  id: string;
  number: string;
  studentId: string;
  periodKey: string;
  issuedOn: string;
  dueOn: string;
  status: string;
  currency: string;
  totalMinor: number;
  creditedMinor: number;
  paidMinor: number;
  balanceMinor: number;
  voidReason: string | null;
}
interface InvoiceDetail extends Invoice {
  lines: Array<{ kind: string; description: string; amountMinor: number; netMinor: number }>;
  receipts: Array<{ id: string; number: string; amountMinor: number; on: string }>;
  creditNotes: unknown[];
}

describe('fee invoices: reading, issuing, voiding, late fines, withdrawal and purge', () => {
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
    bodyOf<{ issued: number; existing: string[] }>(
      await call(c.school, c.owner, 'POST', '/api/fees/invoices/generate', {
        academicYearId: c.academicYear.id,
        levelId: c.level.id,
        period,
        ...extra,
      }),
      200,
    );
  const list = async (c: FeesCampus, query: string, who: SignedIn = c.owner) =>
    bodyOf<Page<Invoice>>(await call(c.school, who, 'GET', `/api/fees/invoices?${query}`), 200);
  const invoiceOf = async (c: FeesCampus, student: string, period: string) =>
    (await list(c, `studentId=${student}&periodKey=${period}`)).data[0];
  const detail = async (c: FeesCampus, id: string) =>
    bodyOf<InvoiceDetail>(await call(c.school, c.owner, 'GET', `/api/fees/invoices/${id}`), 200);
  /** Money received at the counter, written as the payments part would (receipt and invoice). */
  const pay = (c: FeesCampus, invoiceId: string, amount: number, receipt: number) =>
    inSchema(
      c.school,
      `WITH r AS (
         INSERT INTO fee_receipts (number, student_id, invoice_id, method, amount_minor,
                                   applied_minor, currency, received_on)
         SELECT $3, student_id, id, 'cash', $2, $2, currency, current_date
           FROM fee_invoices WHERE id = $1)
       UPDATE fee_invoices SET paid_minor = paid_minor + $2,
              status = CASE WHEN balance_minor = $2 THEN 'paid' ELSE 'partly_paid' END
        WHERE id = $1`,
      [invoiceId, amount, receipt],
    );

  it('lists and shows invoices with the status they are in, their money, lines and receipts', async () => {
    const c = await feesCampus(t);
    const [past, future] = [month(c, -1), month(c, 1)];
    await generate(c, past);
    await generate(c, future);
    expect((await list(c, `academicYearId=${c.academicYear.id}`)).meta.total).toBe(8);
    expect((await list(c, `periodKey=${past}`)).meta.total).toBe(4);
    const overdue = await list(c, 'status=overdue');
    expect(overdue.data.map((i) => i.periodKey)).toEqual([past, past, past, past]);
    const issued = await list(c, 'status=issued');
    expect(issued.data.map((i) => i.periodKey)).toEqual([future, future, future, future]);
    expect((await list(c, `studentId=${c.ids.ana}`)).meta.total).toBe(2);
    const page = await list(c, 'page=2&pageSize=3');
    expect([page.data.length, page.meta.total]).toEqual([3, 8]);

    const ana = await invoiceOf(c, c.ids.ana, past);
    await pay(c, ana.id, 200000, 1);
    const shown = await detail(c, ana.id);
    expect(shown).toMatchObject({
      id: ana.id,
      studentId: c.ids.ana,
      status: 'overdue',
      currency: 'NPR',
      totalMinor: 500000,
      creditedMinor: 0,
      paidMinor: 200000,
      balanceMinor: 300000,
      dueOn: `${past}-10`,
      issuedOn: c.today,
      creditNotes: [],
    });
    expect(shown.number).toMatch(/^INV-\d{6}$/);
    expect(shown.lines).toEqual([
      expect.objectContaining({ kind: 'fee', description: 'Tuition', netMinor: 500000 }),
    ]);
    expect(shown.receipts).toEqual([
      { id: expect.any(String), number: 'R-000001', amountMinor: 200000, on: expect.any(String) },
    ]);
    expect((await list(c, 'status=partly_paid')).meta.total).toBe(0); // shown as overdue
    const unknown = await call(c.school, c.owner, 'GET', `/api/fees/invoices/${c.ids.ana}`);
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'INVOICE_NOT_FOUND']);
    const bad = await call(c.school, c.owner, 'GET', '/api/fees/invoices?status=late');
    expect(bad.statusCode).toBe(400);
  });

  it('issues drafts, voids only untouched invoices, and a void invoice frees its period', async () => {
    const c = await feesCampus(t);
    const period = month(c, 2);
    await generate(c, period, { asDraft: true });
    expect((await list(c, 'status=draft')).meta.total).toBe(4);
    const [ana, ben] = [
      await invoiceOf(c, c.ids.ana, period),
      await invoiceOf(c, c.ids.ben, period),
    ];
    const act = (id: string, action: string, body?: object) =>
      call(c.school, c.owner, 'POST', `/api/fees/invoices/${id}/${action}`, body);
    expect(bodyOf<Invoice>(await act(ana.id, 'issue'), 200)).toMatchObject({ status: 'issued' });
    const twice = await act(ana.id, 'issue');
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'INVOICE_STATUS']);

    bodyOf(await act(ben.id, 'issue'), 200);
    await pay(c, ben.id, 100, 1);
    const paid = await act(ben.id, 'void', { reason: 'Wrong level' });
    expect([paid.statusCode, paid.json().error.code]).toEqual([409, 'INVOICE_HAS_MONEY']);
    expect((await act(ana.id, 'void', { reason: '  ' })).statusCode).toBe(400);
    expect((await act(ana.id, 'void', {})).statusCode).toBe(400);
    const voided = bodyOf<Invoice>(await act(ana.id, 'void', { reason: 'Billed twice' }), 200);
    expect(voided).toMatchObject({ status: 'void', voidReason: 'Billed twice' });
    const again = await act(ana.id, 'void', { reason: 'Billed twice' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'INVOICE_STATUS']);
    const [row] = await inSchema<{ voided_by: string | null }>(
      c.school,
      'SELECT voided_by FROM fee_invoices WHERE id = $1',
      [ana.id],
    );
    expect(row.voided_by).not.toBeNull();

    const rerun = await generate(c, period);
    expect(rerun.issued).toBe(1);
    expect(rerun.existing).toHaveLength(3);
    expect((await invoiceOf(c, c.ids.ana, period)).status).toBe('issued');
    expect((await list(c, `studentId=${c.ids.ana}`)).meta.total).toBe(2);
  });

  it('fines each open invoice past its grace once per rule, and raises its total', async () => {
    const c = await feesCampus(t);
    const past = month(c, -1);
    await generate(c, past);
    await inSchema(
      c.school,
      `INSERT INTO fee_late_fine_rules (name, grace_days, amount_minor, percent, active)
       VALUES ('Late fee', 3, 10000, NULL, true), ('Interest', 0, NULL, 2, true),
              ('Old rule', 0, 99999, NULL, false), ('Next year', 365, 5000, NULL, true)`,
    );
    const ben = await invoiceOf(c, c.ids.ben, past);
    const dev = await invoiceOf(c, c.ids.dev, past);
    await pay(c, ben.id, 500000, 1);
    await pay(c, dev.id, 100000, 2);
    const apply = async (body: object) =>
      bodyOf<{ on: string; fines: number; invoices: number; totalMinor: number }>(
        await call(c.school, c.owner, 'POST', '/api/fees/late-fines/apply', body),
        200,
      );
    expect(await apply({ on: `${past}-10` })).toMatchObject({ fines: 0, invoices: 0 });
    const first = await apply({});
    expect(first).toMatchObject({ on: c.today, fines: 6, invoices: 3, currency: 'NPR' });
    expect(first.totalMinor).toBe(3 * 10000 + 10000 + 10000 + 8000);
    const ana = await detail(c, (await invoiceOf(c, c.ids.ana, past)).id);
    expect(ana.totalMinor).toBe(520000);
    expect(
      ana.lines
        .filter((l) => l.kind === 'late_fine')
        .map((l) => l.description)
        .sort(),
    ).toEqual(['Interest', 'Late fee']);
    expect((await detail(c, dev.id)).balanceMinor).toBe(418000);
    expect((await detail(c, ben.id)).totalMinor).toBe(500000);
    expect(await apply({})).toMatchObject({ fines: 0, invoices: 0, totalMinor: 0 });
    expect((await detail(c, dev.id)).totalMinor).toBe(518000);
    expect(
      (await call(c.school, c.owner, 'POST', '/api/fees/late-fines/apply', { on: 'soon' }))
        .statusCode,
    ).toBe(400);
  });

  it("voids a withdrawn student's untouched invoices for later periods and keeps the rest", async () => {
    const c = await feesCampus(t);
    const periods = [month(c, -1), month(c, 1), month(c, 2)];
    for (const period of periods) await generate(c, period);
    await generate(c, month(c, 3), { asDraft: true });
    await generate(c, 'annual');
    const touched = await invoiceOf(c, c.ids.ben, periods[2]);
    await pay(c, touched.id, 1000, 1);
    const withdrawn = await call(c.school, c.owner, 'DELETE', `/api/students/${c.ids.ben}`);
    expect(withdrawn.statusCode).toBe(204);
    const ben = await list(c, `studentId=${c.ids.ben}&pageSize=100`);
    const statusOf = Object.fromEntries(ben.data.map((i) => [i.periodKey, i.status]));
    expect(statusOf).toEqual({
      annual: 'overdue',
      [periods[0]]: 'overdue',
      [periods[1]]: 'void',
      [periods[2]]: 'partly_paid',
      [month(c, 3)]: 'void',
    });
    expect(ben.data.find((i) => i.periodKey === periods[1])!.voidReason).toBe(
      'The student was withdrawn',
    );
    expect((await invoiceOf(c, c.ids.ana, periods[1])).status).toBe('issued');
  });

  it('refuses to purge a student with invoices or receipts, and purges one without', async () => {
    const c = await feesCampus(t);
    await generate(c, month(c, -1));
    await generate(c, month(c, 1));
    await pay(c, (await invoiceOf(c, c.ids.ana, month(c, -1))).id, 5000, 1);
    const purge = (id: string) =>
      call(c.school, c.owner, 'DELETE', `/api/students/${id}?permanent=true`);
    const refused = await purge(c.ids.ana);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'IN_USE',
      details: { invoices: 2, receipts: 1 },
    });
    const onlyInvoices = await purge(c.ids.dev);
    expect(onlyInvoices.json().error.details).toEqual({ invoices: 2 });
    bodyOf(await call(c.school, c.owner, 'GET', `/api/students/${c.ids.ana}`), 200);
    expect((await list(c, `studentId=${c.ids.ana}`)).meta.total).toBe(2);
    const eve = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/students/enroll', {
        firstName: 'Eve',
        lastName: 'Pupil',
        admissionNumber: 'F-9',
      }),
      201,
    );
    await inSchema(
      c.school,
      `INSERT INTO fee_concessions (student_id, academic_year_id, percent, reason)
       VALUES ($1, $2, 50, 'Sibling')`,
      [eve.id, c.academicYear.id],
    );
    expect((await purge(eve.id)).statusCode).toBe(204);
    expect((await call(c.school, c.owner, 'GET', `/api/students/${eve.id}`)).statusCode).toBe(404);
  });

  it('shows and lets another school touch nothing, and refuses callers without the permission or a session', async () => {
    const c = await feesCampus(t);
    const other = await feesCampus(t);
    await generate(c, month(c, -1));
    const invoice = await invoiceOf(c, c.ids.ana, month(c, -1));
    const asOther = (method: 'GET' | 'POST', url: string, body?: object) =>
      call(other.school, other.owner, method, url, body);
    const codeOf = async (response: ReturnType<typeof asOther>) => {
      const answer = await response;
      return [answer.statusCode, answer.json().error?.code];
    };
    expect(await codeOf(asOther('GET', `/api/fees/invoices/${invoice.id}`))).toEqual([
      404,
      'INVOICE_NOT_FOUND',
    ]);
    expect(await codeOf(asOther('POST', `/api/fees/invoices/${invoice.id}/issue`))).toEqual([
      404,
      'INVOICE_NOT_FOUND',
    ]);
    expect(
      await codeOf(asOther('POST', `/api/fees/invoices/${invoice.id}/void`, { reason: 'Mine' })),
    ).toEqual([404, 'INVOICE_NOT_FOUND']);
    expect((await list(other, `studentId=${c.ids.ana}`)).meta.total).toBe(0);
    expect((await list(other, '')).meta.total).toBe(0);
    const generateThere = (body: object) =>
      codeOf(
        asOther('POST', '/api/fees/invoices/generate', {
          academicYearId: other.academicYear.id,
          levelId: other.level.id,
          period: 'annual',
          ...body,
        }),
      );
    expect(await generateThere({ academicYearId: c.academicYear.id })).toEqual([
      404,
      'ACADEMIC_YEAR_NOT_FOUND',
    ]);
    expect(await generateThere({ levelId: c.level.id })).toEqual([404, 'ACADEMIC_LEVEL_NOT_FOUND']);
    expect(await generateThere({ sectionId: c.sectionA.id })).toEqual([404, 'SECTION_NOT_FOUND']);
    expect(await generateThere({ period: `term:${c.terms[0].id}` })).toEqual([
      404,
      'TERM_NOT_FOUND',
    ]);
    await inSchema(
      other.school,
      `INSERT INTO fee_late_fine_rules (name, grace_days, amount_minor) VALUES ('Late', 0, 100)`,
    );
    bodyOf(await asOther('POST', '/api/fees/late-fines/apply', {}), 200);
    const untouched = await detail(c, invoice.id);
    expect([untouched.status, untouched.totalMinor, untouched.lines.length]).toEqual([
      'overdue',
      500000,
      1,
    ]);
    expect((await list(c, '')).meta.total).toBe(4);

    const routes: Array<['GET' | 'POST', string, object?]> = [
      [
        'POST',
        '/api/fees/invoices/generate',
        { academicYearId: c.academicYear.id, levelId: c.level.id, period: 'annual' },
      ],
      ['GET', '/api/fees/invoices'],
      ['GET', `/api/fees/invoices/${invoice.id}`],
      ['POST', `/api/fees/invoices/${invoice.id}/issue`],
      ['POST', `/api/fees/invoices/${invoice.id}/void`, { reason: 'Not mine' }],
      ['POST', '/api/fees/late-fines/apply', {}],
    ];
    for (const [method, url, body] of routes) {
      for (const who of [c.as.ines, c.as.gwen, c.as.ana]) {
        expect([url, (await call(c.school, who, method, url, body)).statusCode]).toEqual([
          url,
          403,
        ]);
      }
      expect([url, (await call(c.school, null, method, url, body)).statusCode]).toEqual([url, 401]);
    }
    expect((await detail(c, invoice.id)).status).toBe('overdue');
    expect((await list(c, '')).meta.total).toBe(4);
  });
});
