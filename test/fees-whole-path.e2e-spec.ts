import { randomBytes, randomUUID } from 'node:crypto';
import { bodyOf, type Method, type Page, caller } from './support/caller';
import { EsewaStandIn, esewaCallback } from './support/esewa-stand-in';
import { type FeesCampus, feesCampus, monthKey } from './support/fees';
import { createTestApp, type SignedIn, type TestApp } from './support/test-app';

interface Generation {
  dryRun: boolean;
  issued: number;
  totalMinor: number;
  invoices: Array<{ studentId: string; totalMinor: number; dueOn: string }>;
  existing: string[];
}
interface Invoice {
  id: string;
  number: string;
  status: string;
  totalMinor: number;
  paidMinor: number;
  balanceMinor: number;
  dueOn: string;
}
interface Receipt {
  id: string;
  number: string;
  method: string;
  amountMinor: number;
  appliedMinor: number;
  creditedMinor: number;
  invoice: { id: string; number: string };
}
interface Checkout {
  payment: { id: string; transactionUuid: string; status: string; amountMinor: number };
  fields: Record<string, string>;
}
interface Settled {
  id: string;
  status: string;
  invoice: { id: string; status: string; balanceMinor: number };
  receipt: { id: string; number: string; amountMinor: number } | null;
}

/**
 * One school's fees from setup to a paid invoice, through HTTP only (the campus fixture aside):
 * the office sets up and bills a month, a cashier takes part of Ana's invoice, Gwen pays the
 * rest through the school's eSewa merchant, and the statement and reports agree. Then another
 * school's owner tries every id the story produced.
 */
describe('fees: the whole path, from a fee structure to a paid invoice', () => {
  const esewa = new EsewaStandIn();
  const merchant = {
    merchantCode: `SCH-${randomBytes(3).toString('hex')}`,
    secretKey: `w-${randomUUID()}`,
  };
  let t: TestApp;
  let a: FeesCampus;
  let b: FeesCampus;
  const call = caller(() => t);
  /** What the story produced at school A, for school B to try. */
  const seen = {} as {
    head: string;
    structure: string;
    invoice: string;
    receipts: string[];
    payment: string;
    transactionUuid: string;
  };

  beforeAll(async () => {
    const statusUrl = await esewa.start();
    t = await createTestApp({ ESEWA_STATUS_URL: statusUrl, ESEWA_TIMEOUT_MS: '2000' });
    [a, b] = [await feesCampus(t), await feesCampus(t)];
  });
  afterAll(async () => {
    await t?.close();
    await esewa.stop();
  });

  const send = async <T>(
    c: FeesCampus,
    who: SignedIn | null,
    method: Method,
    url: string,
    status: number,
    payload?: object,
  ) => {
    const response = await call(c.school, who, method, url, payload);
    if (status !== 204) return bodyOf<T>(response, status);
    expect(response.statusCode).toBe(204); // no body to read
    return undefined as T;
  };
  const office = <T>(method: Method, url: string, status: number, payload?: object) =>
    send<T>(a, a.owner, method, url, status, payload);

  it('bills a month, takes money at the counter and through eSewa, and the books agree', async () => {
    const month = monthKey(a.today);
    const dueOn = `${month}-10`;

    // The fixture's structure for Grade 5 is SQL; the office replaces it with its own.
    await office('DELETE', `/api/fees/structures/${a.structure.id}`, 204);
    const library = await office<{ id: string }>('POST', '/api/fees/heads', 201, {
      name: 'Library',
      description: 'Books and the reading room',
    });
    const structure = await office<{ id: string }>('POST', '/api/fees/structures', 201, {
      academicYearId: a.academicYear.id,
      levelId: a.level.id,
      name: 'Grade 5 fees (office)',
      lines: [
        { headId: a.heads.tuition, amountMinor: 500_000, schedule: 'monthly', dueDay: 10 },
        { headId: library.id, amountMinor: 25_000, schedule: 'monthly', dueDay: 12 },
      ],
    });
    Object.assign(seen, { head: library.id, structure: structure.id });

    const generate = (dryRun: boolean) =>
      office<Generation>('POST', '/api/fees/invoices/generate', 200, {
        academicYearId: a.academicYear.id,
        levelId: a.level.id,
        period: month,
        dryRun,
      });
    const everyone = [a.ids.ana, a.ids.ben, a.ids.cleo, a.ids.dev].sort();
    const dry = await generate(true);
    expect(dry).toMatchObject({ dryRun: true, issued: 4, totalMinor: 4 * 525_000 });
    expect(dry.invoices.map((i) => i.studentId).sort()).toEqual(everyone);
    expect(dry.invoices.every((i) => i.totalMinor === 525_000 && i.dueOn === dueOn)).toBe(true);
    const listed = () => office<Page<Invoice>>('GET', `/api/fees/invoices?periodKey=${month}`, 200);
    expect((await listed()).meta.total).toBe(0);
    const real = await generate(false);
    expect(real).toEqual({ ...dry, dryRun: false });
    const again = await generate(false);
    expect(again).toMatchObject({ issued: 0, totalMinor: 0, invoices: [] });
    expect(again.existing.sort()).toEqual(everyone);
    expect((await listed()).meta.total).toBe(4);

    const [invoice] = (
      await office<Page<Invoice>>(
        'GET',
        `/api/fees/invoices?studentId=${a.ids.ana}&periodKey=${month}`,
        200,
      )
    ).data;
    expect(invoice).toMatchObject({ number: 'INV-000001', totalMinor: 525_000, dueOn });
    seen.invoice = invoice.id;
    const late = a.today > dueOn;

    const counter = await office<Receipt>(
      'POST',
      `/api/fees/invoices/${invoice.id}/payments`,
      201,
      {
        method: 'cash',
        amountMinor: 200_000,
      },
    );
    const receipt = await office<Receipt>('GET', `/api/fees/receipts/${counter.id}`, 200);
    expect(receipt).toMatchObject({
      number: 'R-000001',
      method: 'cash',
      amountMinor: 200_000,
      appliedMinor: 200_000,
      creditedMinor: 0,
      invoice: { id: invoice.id, number: 'INV-000001' },
    });

    await office('PUT', '/api/fees/settings/esewa', 200, merchant);
    const family = await send<{ onlinePayment: boolean; invoices: Invoice[] }>(
      a,
      a.as.gwen,
      'GET',
      `/api/guardians/my-children/${a.ids.ana}/fees`,
      200,
    );
    expect(family.onlinePayment).toBe(true);
    expect(family.invoices).toEqual([
      expect.objectContaining({
        id: invoice.id,
        status: late ? 'overdue' : 'partly_paid',
        paidMinor: 200_000,
        balanceMinor: 325_000,
      }),
    ]);
    const checkout = await send<Checkout>(
      a,
      a.as.gwen,
      'POST',
      `/api/guardians/my-children/${a.ids.ana}/fees/invoices/${invoice.id}/esewa`,
      201,
    );
    const uuid = checkout.payment.transactionUuid;
    expect(checkout.payment).toMatchObject({ status: 'pending', amountMinor: 325_000 });
    expect(checkout.fields).toMatchObject({ total_amount: '3250', transaction_uuid: uuid });
    Object.assign(seen, { payment: checkout.payment.id, transactionUuid: uuid });

    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'REF-WHOLE' });
    const data = esewaCallback(uuid, '3250.0', {
      productCode: merchant.merchantCode,
      secret: merchant.secretKey,
    });
    const settled = await send<Settled>(
      a,
      null,
      'GET',
      `/api/fees/esewa/verify?data=${encodeURIComponent(data)}`,
      200,
    );
    expect(settled).toMatchObject({
      id: checkout.payment.id,
      status: 'complete',
      invoice: { id: invoice.id, status: 'paid', balanceMinor: 0 },
      receipt: { number: 'R-000002', amountMinor: 325_000 },
    });
    seen.receipts = [counter.id, settled.receipt!.id];
    const paid = await office<Invoice & { receipts: Array<{ number: string }> }>(
      'GET',
      `/api/fees/invoices/${invoice.id}`,
      200,
    );
    expect(paid).toMatchObject({ status: 'paid', paidMinor: 525_000, balanceMinor: 0 });
    expect(paid.receipts.map((r) => r.number)).toEqual(['R-000001', 'R-000002']);

    const statement = await office<{
      entries: Array<{
        kind: string;
        number: string;
        debitMinor: number;
        creditMinor: number;
        runningBalanceMinor: number;
      }>;
      creditMinor: number;
      balanceMinor: number;
    }>('GET', `/api/fees/students/${a.ids.ana}/statement`, 200);
    expect(
      statement.entries.map((e) => [
        e.kind,
        e.number,
        e.debitMinor,
        e.creditMinor,
        e.runningBalanceMinor,
      ]),
    ).toEqual([
      ['invoice', 'INV-000001', 525_000, 0, 525_000],
      ['receipt', 'R-000001', 0, 200_000, 325_000],
      ['receipt', 'R-000002', 0, 325_000, 0],
    ]);
    expect([statement.creditMinor, statement.balanceMinor]).toEqual([0, 0]);

    const collections = await office<{ receipts: unknown[]; totals: unknown }>(
      'GET',
      `/api/fees/reports/collections?from=${a.today}&to=${a.today}`,
      200,
    );
    expect(collections.receipts).toEqual([
      { date: a.today, method: 'cash', count: 1, amountMinor: 200_000 },
      { date: a.today, method: 'esewa', count: 1, amountMinor: 325_000 },
    ]);
    expect(collections.totals).toMatchObject({ receiptCount: 2, receivedMinor: 525_000 });
    const dues = await office<{ students: Array<{ studentId: string; totalMinor: number }> }>(
      'GET',
      '/api/fees/reports/dues',
      200,
    );
    expect(dues.students.map((s) => s.studentId).sort()).toEqual(
      [a.ids.ben, a.ids.cleo, a.ids.dev].sort(),
    );
    expect(dues.students.every((s) => s.totalMinor === 525_000)).toBe(true);
  });

  it("answers another school's owner 404 or nothing for every id the story produced", async () => {
    expect(seen.receipts).toHaveLength(2); // the story above ran
    const at = <T>(method: Method, url: string, status: number, payload?: object) =>
      send<T>(b, b.owner, method, url, status, payload);
    const notFound = async (method: Method, url: string, payload?: object) =>
      (await at<{ error: { code: string } }>(method, url, 404, payload)).error.code;

    expect(await notFound('GET', `/api/fees/invoices/${seen.invoice}`)).toBe('INVOICE_NOT_FOUND');
    expect(
      await notFound('POST', `/api/fees/invoices/${seen.invoice}/payments`, {
        method: 'cash',
        amountMinor: 100,
      }),
    ).toBe('INVOICE_NOT_FOUND');
    expect(
      await notFound('POST', `/api/fees/invoices/${seen.invoice}/void`, { reason: 'mine now' }),
    ).toBe('INVOICE_NOT_FOUND');
    for (const receipt of seen.receipts) {
      expect(await notFound('GET', `/api/fees/receipts/${receipt}`)).toBe('RECEIPT_NOT_FOUND');
    }
    for (const url of [
      `/api/fees/students/${a.ids.ana}/statement`,
      `/api/fees/students/${a.ids.ana}/account`,
    ]) {
      expect(await notFound('GET', url)).toBe('STUDENT_NOT_FOUND');
    }
    await notFound('GET', `/api/fees/structures/${seen.structure}`);
    await notFound('DELETE', `/api/fees/structures/${seen.structure}`);
    await notFound('PATCH', `/api/fees/heads/${seen.head}`, { name: 'Taken' });
    await notFound('POST', `/api/fees/online-payments/${seen.payment}/recheck`);

    for (const url of [
      `/api/fees/invoices?studentId=${a.ids.ana}`,
      `/api/fees/receipts?studentId=${a.ids.ana}`,
    ]) {
      const page = await at<Page>('GET', url, 200);
      expect([page.data, page.meta.total]).toEqual([[], 0]);
    }
    expect(
      await at<unknown[]>('GET', `/api/fees/online-payments?studentId=${a.ids.ana}`, 200),
    ).toEqual([]);

    // B's owner runs its own merchant under A's code: A's transaction is still unknown at B.
    await at('PUT', '/api/fees/settings/esewa', 200, {
      merchantCode: merchant.merchantCode,
      secretKey: 'b-owner-secret',
    });
    const forged = esewaCallback(seen.transactionUuid, '3250.0', {
      productCode: merchant.merchantCode,
      secret: 'b-owner-secret',
    });
    await at('GET', `/api/fees/esewa/verify?data=${encodeURIComponent(forged)}`, 400);

    const collections = await at<{ receipts: unknown[]; totals: { receivedMinor: number } }>(
      'GET',
      `/api/fees/reports/collections?from=${b.today}&to=${b.today}`,
      200,
    );
    expect([collections.receipts, collections.totals.receivedMinor]).toEqual([[], 0]);
    const dues = await at<{ students: unknown[]; totals: { totalMinor: number } }>(
      'GET',
      '/api/fees/reports/dues',
      200,
    );
    expect([dues.students, dues.totals.totalMinor]).toEqual([[], 0]);

    // And A's books are as the story left them.
    const receipts = await send<Page>(a, a.owner, 'GET', '/api/fees/receipts', 200);
    expect(receipts.meta.total).toBe(2);
    await send(a, a.owner, 'GET', `/api/fees/structures/${seen.structure}`, 200);
  });
});
