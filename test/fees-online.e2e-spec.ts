import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { type Caller, caller } from './support/caller';
import { EsewaStandIn, esewaCallback } from './support/esewa-stand-in';
import { type FeesCampus, feesCampus } from './support/fees';
import { invoiceFor } from './support/fees-online';
import { inSchema, schemaOf } from './support/school-year';
import { createTestApp, type TestApp, withOwnerClient } from './support/test-app';

/** eSewa's published test secret: the platform's merchant here, never a school's. */
const PLATFORM_SECRET = '8gBm/:&EnhH.1/q';

interface Checkout {
  payment: { id: string; transactionUuid: string; status: string; amountMinor: number };
  formUrl: string;
  fields: Record<string, string>;
}

interface Settled {
  id: string;
  status: string;
  providerStatus: string | null;
  amountMinor: number;
  invoice: { id: string; status: string; balanceMinor: number };
  receipt: { id: string; number: string; amountMinor: number } | null;
}

describe("fees: online payment through the school's own eSewa merchant", () => {
  const esewa = new EsewaStandIn();
  let t: TestApp;
  let call: Caller;
  let a: FeesCampus;
  let b: FeesCampus;
  // Each school's own merchant; school B shares A's code and secret (one trust, two schools).
  const merchantA = {
    merchantCode: `SCH-${randomBytes(3).toString('hex')}`,
    secretKey: `a-${randomUUID()}`,
  };
  const merchantOther = { merchantCode: 'OTHER-SCHOOL', secretKey: `o-${randomUUID()}` };

  beforeAll(async () => {
    const statusUrl = await esewa.start();
    t = await createTestApp({ ESEWA_STATUS_URL: statusUrl, ESEWA_TIMEOUT_MS: '500' });
    call = caller(t);
    [a, b] = [await feesCampus(t), await feesCampus(t)];
  });
  afterAll(async () => {
    await t?.close();
    await esewa.stop();
  });

  const setMerchant = async (c: FeesCampus, merchant: typeof merchantA) =>
    call(c.school, c.owner, 'PUT', '/api/fees/settings/esewa', merchant);
  const pay = (c: FeesCampus, studentId: string, invoiceId: string, who = c.as.gwen) =>
    call(
      c.school,
      who,
      'POST',
      `/api/guardians/my-children/${studentId}/fees/invoices/${invoiceId}/esewa`,
    );
  const verify = (c: FeesCampus, data: string) =>
    call(c.school, null, 'GET', `/api/fees/esewa/verify?data=${encodeURIComponent(data)}`);
  const receiptsOf = async (c: FeesCampus, invoiceId: string) =>
    (
      await inSchema<{ n: number }>(
        c.school,
        'SELECT count(*)::int AS n FROM fee_receipts WHERE invoice_id = $1',
        [invoiceId],
      )
    )[0].n;
  const eventsOf = (paymentId: string) =>
    withOwnerClient(
      async (db) =>
        (
          await db.query<{ kind: string; reason: string | null; organization_id: string }>(
            `SELECT kind, reason, organization_id FROM public.payment_events
            WHERE fee_payment_id = $1
            ORDER BY created_at, id`,
            [paymentId],
          )
        ).rows,
    );
  const refusalsFor = (schoolId: string, transactionUuid: string) =>
    withOwnerClient(
      async (db) =>
        (
          await db.query<{ reason: string; fee_payment_id: string | null }>(
            `SELECT reason, fee_payment_id FROM public.payment_events
            WHERE kind = 'callback_refused' AND organization_id = $1 AND transaction_uuid = $2
            ORDER BY created_at, id`,
            [schoolId, transactionUuid],
          )
        ).rows,
    );

  async function startPaying(c: FeesCampus, month: number, totalMinor = 500_000) {
    const invoice = await invoiceFor(c, { studentId: c.ids.ana, month, totalMinor });
    const response = await pay(c, c.ids.ana, invoice.id);
    expect(response.statusCode).toBe(201);
    return { invoice, checkout: response.json<Checkout>() };
  }

  it('keeps the merchant secret sealed: set, read back without it, nowhere in plain text', async () => {
    const put = await setMerchant(a, merchantA);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      merchantCode: merchantA.merchantCode,
      secretSet: true,
      updatedAt: expect.any(String),
    });
    const got = await call(a.school, a.owner, 'GET', '/api/fees/settings/esewa');
    expect(got.json()).toEqual(put.json());
    expect(got.body).not.toContain(merchantA.secretKey);
    expect(await setMerchant(b, merchantA)).toHaveProperty('statusCode', 200);

    const [stored] = await inSchema<{ secret_sealed: string }>(
      a.school,
      'SELECT secret_sealed FROM fee_merchant_accounts',
    );
    expect(stored.secret_sealed).toMatch(/^v1\./);
    // B sealed the same secret: another nonce and another school, another text.
    const [storedB] = await inSchema<{ secret_sealed: string }>(
      b.school,
      'SELECT secret_sealed FROM fee_merchant_accounts',
    );
    expect(storedB.secret_sealed).not.toBe(stored.secret_sealed);
    // A payment round makes journal rows too; the secret is in none of them.
    const { checkout } = await startPaying(a, -1);
    await verify(
      a,
      esewaCallback(checkout.payment.transactionUuid, '1.0', {
        productCode: merchantA.merchantCode,
        secret: merchantA.secretKey,
      }),
    );
    const plain = `%${merchantA.secretKey}%`;
    const found = await withOwnerClient(async (db) => {
      const schema = `"${schemaOf(a.school)}"`;
      const rows = await db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM ${schema}.fee_merchant_accounts t WHERE t::text LIKE $1)
              + (SELECT count(*) FROM ${schema}.fee_online_payments t WHERE t::text LIKE $1)
              + (SELECT count(*) FROM public.payment_events t WHERE t::text LIKE $1) AS n`,
        [plain],
      );
      return Number(rows.rows[0].n);
    });
    expect(found).toBe(0);
  });

  it('a guardian pays through eSewa: signed for the school, confirmed by eSewa, receipted once', async () => {
    const { invoice, checkout } = await startPaying(a, 0);
    const { fields } = checkout;
    expect(checkout.payment).toMatchObject({ status: 'pending', amountMinor: 500_000 });
    expect(fields).toMatchObject({
      total_amount: '5000',
      product_code: merchantA.merchantCode,
      transaction_uuid: checkout.payment.transactionUuid,
      success_url: expect.stringMatching(
        new RegExp(`^https?://${a.school.host}(:\\d+)?/api/fees/esewa/verify$`),
      ),
    });
    const message = `total_amount=5000,transaction_uuid=${fields.transaction_uuid},product_code=${merchantA.merchantCode}`;
    expect(fields.signature).toBe(
      createHmac('sha256', merchantA.secretKey).update(message).digest('base64'),
    );

    esewa.answers.set(fields.transaction_uuid, { status: 'COMPLETE', refId: 'REF-1' });
    const data = esewaCallback(fields.transaction_uuid, '5000.0', {
      productCode: merchantA.merchantCode,
      secret: merchantA.secretKey,
    });
    const settled = (await verify(a, data)).json<Settled>();
    expect(settled).toMatchObject({
      status: 'complete',
      providerStatus: 'COMPLETE',
      invoice: { id: invoice.id, status: 'paid', balanceMinor: 0 },
      receipt: { number: expect.stringMatching(/^R-\d{6}$/), amountMinor: 500_000 },
    });
    const view = (
      await call(a.school, a.as.gwen, 'GET', `/api/guardians/my-children/${a.ids.ana}/fees`)
    ).json<{
      invoices: Array<{ id: string; status: string; balanceMinor: number }>;
      receipts: Array<{ number: string; method: string; invoiceId: string }>;
      onlinePayment: boolean;
    }>();
    expect(view.onlinePayment).toBe(true);
    expect(view.invoices.find((i) => i.id === invoice.id)).toMatchObject({
      status: 'paid',
      balanceMinor: 0,
    });
    expect(view.receipts).toContainEqual(
      expect.objectContaining({
        number: settled.receipt!.number,
        method: 'esewa',
        invoiceId: invoice.id,
      }),
    );

    // The browser comes back twice (or an attacker replays it): credited once, answered from the record.
    const asked = esewa.askedAbout(fields.transaction_uuid);
    const again = await verify(a, data);
    expect(again.statusCode).toBe(200);
    expect(again.json<Settled>().receipt).toEqual(settled.receipt);
    expect(await receiptsOf(a, invoice.id)).toBe(1);
    expect(esewa.askedAbout(fields.transaction_uuid)).toBe(asked);
    const events = await eventsOf(checkout.payment.id);
    expect(events.filter((e) => e.kind === 'completed')).toHaveLength(1);
    expect(events.map((e) => e.kind)).toEqual(['provider_status', 'completed']);
    expect(events.every((e) => e.organization_id === a.school.id)).toBe(true);
  });

  it('credits nothing for a forged callback, and journals each refusal with its reason', async () => {
    const { invoice, checkout } = await startPaying(a, 1, 250_000);
    const uuid = checkout.payment.transactionUuid;
    // eSewa would say COMPLETE: only the callback's checks stand between it and a credit.
    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'REF-F' });
    const own = { productCode: merchantA.merchantCode, secret: merchantA.secretKey };
    const forgeries: Array<[string, string, string]> = [
      [
        'bad signature',
        esewaCallback(uuid, '2500.0', { ...own, secret: 'guessed' }),
        'bad_signature',
      ],
      [
        "the platform's merchant",
        esewaCallback(uuid, '2500.0', { productCode: 'EPAYTEST', secret: PLATFORM_SECRET }),
        'bad_signature',
      ],
      [
        "the platform's secret",
        esewaCallback(uuid, '2500.0', { ...own, secret: PLATFORM_SECRET }),
        'bad_signature',
      ],
      [
        "another school's secret",
        esewaCallback(uuid, '2500.0', { ...own, secret: merchantOther.secretKey }),
        'bad_signature',
      ],
      [
        'another merchant code',
        esewaCallback(uuid, '2500.0', { productCode: 'OTHER-CODE', secret: merchantA.secretKey }),
        'wrong_merchant',
      ],
      ['a smaller amount', esewaCallback(uuid, '25.0', own), 'amount_mismatch'],
      [
        'a tampered amount',
        esewaCallback(uuid, '25.0', { ...own, signedAmount: '2500.0' }),
        'bad_signature',
      ],
    ];
    for (const [what, data] of forgeries) {
      const response = await verify(a, data);
      expect({ what, status: response.statusCode }).toEqual({ what, status: 400 });
    }
    expect((await refusalsFor(a.school.id, uuid)).map((e) => e.reason)).toEqual(
      forgeries.map(([, , r]) => r),
    );
    expect(await receiptsOf(a, invoice.id)).toBe(0);
    expect(esewa.askedAbout(uuid)).toBe(0);

    // A transaction nobody started here.
    const made = randomUUID();
    expect((await verify(a, esewaCallback(made, '2500.0', own))).statusCode).toBe(400);
    expect((await refusalsFor(a.school.id, made)).map((e) => e.reason)).toEqual([
      'unknown_transaction',
    ]);

    // School B's genuine payment (same merchant), replayed at A's address: unknown here.
    const bInvoice = await invoiceFor(b, { studentId: b.ids.ana, month: 0, totalMinor: 250_000 });
    const bCheckout = (await pay(b, b.ids.ana, bInvoice.id)).json<Checkout>();
    const bUuid = bCheckout.payment.transactionUuid;
    esewa.answers.set(bUuid, { status: 'COMPLETE', refId: 'REF-B' });
    expect((await verify(a, esewaCallback(bUuid, '2500.0', own))).statusCode).toBe(400);
    expect((await refusalsFor(a.school.id, bUuid)).map((e) => e.reason)).toEqual([
      'unknown_transaction',
    ]);
    expect(await receiptsOf(b, bInvoice.id)).toBe(0);
    expect(await receiptsOf(a, invoice.id)).toBe(0);
    const [row] = await inSchema<{ status: string }>(
      a.school,
      'SELECT status FROM fee_online_payments WHERE id = $1',
      [checkout.payment.id],
    );
    expect(row.status).toBe('pending');
  });

  it("credits nothing while eSewa says PENDING or NOT_FOUND; the office's recheck settles it later", async () => {
    const { invoice, checkout } = await startPaying(a, 2, 120_000);
    const uuid = checkout.payment.transactionUuid;
    const data = esewaCallback(uuid, '1200.0', {
      productCode: merchantA.merchantCode,
      secret: merchantA.secretKey,
    });
    esewa.answers.set(uuid, { status: 'PENDING' });
    expect((await verify(a, data)).json<Settled>()).toMatchObject({
      status: 'pending',
      providerStatus: 'PENDING',
      receipt: null,
    });
    esewa.answers.set(uuid, { status: 'NOT_FOUND' });
    expect((await verify(a, data)).json<Settled>()).toMatchObject({
      status: 'failed',
      providerStatus: 'NOT_FOUND',
      receipt: null,
    });
    expect(await receiptsOf(a, invoice.id)).toBe(0);

    const recheck = (c: FeesCampus, who: FeesCampus['owner'] | null) =>
      call(c.school, who, 'POST', `/api/fees/online-payments/${checkout.payment.id}/recheck`);
    expect((await recheck(a, a.as.ines)).statusCode).toBe(403);
    expect((await recheck(a, null)).statusCode).toBe(401);
    expect((await recheck(b, b.owner)).statusCode).toBe(404);
    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'REF-R' });
    const settled = (await recheck(a, a.owner)).json<Settled>();
    expect(settled).toMatchObject({
      status: 'complete',
      invoice: { status: 'paid', balanceMinor: 0 },
    });
    expect(await receiptsOf(a, invoice.id)).toBe(1);
    expect((await eventsOf(checkout.payment.id)).map((e) => e.kind)).toEqual([
      'provider_status',
      'provider_status',
      'provider_status',
      'completed',
    ]);

    const list = await call(
      a.school,
      a.owner,
      'GET',
      `/api/fees/online-payments?studentId=${a.ids.ana}`,
    );
    expect(list.json<Settled[]>().map((p) => p.id)).toContain(checkout.payment.id);
    const elsewhere = await call(b.school, b.owner, 'GET', '/api/fees/online-payments');
    expect(elsewhere.json<Settled[]>().map((p) => p.id)).not.toContain(checkout.payment.id);
    expect((await call(a.school, a.as.ines, 'GET', '/api/fees/online-payments')).statusCode).toBe(
      403,
    );
    expect((await call(a.school, null, 'GET', '/api/fees/online-payments')).statusCode).toBe(401);
  });

  it('a sealed secret copied into another school does not open there', async () => {
    const [stored] = await inSchema<{ secret_sealed: string }>(
      a.school,
      'SELECT secret_sealed FROM fee_merchant_accounts',
    );
    // B's payment replayed above is pending still: an hour on, B may change its merchant.
    await inSchema(
      b.school,
      `UPDATE fee_online_payments SET created_at = now() - interval '61 minutes'`,
    );
    expect((await setMerchant(b, merchantOther)).statusCode).toBe(200);
    await inSchema(b.school, 'UPDATE fee_merchant_accounts SET secret_sealed = $1', [
      stored.secret_sealed,
    ]);
    const invoice = await invoiceFor(b, { studentId: b.ids.ana, month: 3, totalMinor: 100_000 });
    const response = await pay(b, b.ids.ana, invoice.id);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'ONLINE_PAYMENT_NOT_SET_UP' } });
    await setMerchant(b, merchantA);
  });

  it('without a merchant of its own the school takes no online payment (409), and says so', async () => {
    expect((await call(b.school, b.owner, 'DELETE', '/api/fees/settings/esewa')).statusCode).toBe(
      204,
    );
    expect((await call(b.school, b.owner, 'GET', '/api/fees/settings/esewa')).json()).toEqual({
      merchantCode: null,
      secretSet: false,
      updatedAt: null,
    });
    const invoice = await invoiceFor(b, { studentId: b.ids.ana, month: 4, totalMinor: 100_000 });
    const response = await pay(b, b.ids.ana, invoice.id);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'ONLINE_PAYMENT_NOT_SET_UP' } });
    const view = await call(
      b.school,
      b.as.gwen,
      'GET',
      `/api/guardians/my-children/${b.ids.ana}/fees`,
    );
    expect(view.json()).toMatchObject({ onlinePayment: false });
    await setMerchant(b, merchantA);
  });

  it('keeps the merchant settings to fees.manage (403) and signed-in callers (401)', async () => {
    for (const [method, payload] of [['GET'], ['PUT', merchantA], ['DELETE']] as const) {
      expect(
        (await call(a.school, a.as.ines, method, '/api/fees/settings/esewa', payload)).statusCode,
      ).toBe(403);
      expect(
        (await call(a.school, a.as.gwen, method, '/api/fees/settings/esewa', payload)).statusCode,
      ).toBe(403);
      expect(
        (await call(a.school, null, method, '/api/fees/settings/esewa', payload)).statusCode,
      ).toBe(401);
    }
    const bad = await setMerchant(a, { merchantCode: 'has space', secretKey: '' });
    expect(bad.statusCode).toBe(400);
    expect((await call(a.school, a.owner, 'GET', '/api/fees/settings/esewa')).json()).toMatchObject(
      {
        merchantCode: merchantA.merchantCode,
      },
    );
  });
});
