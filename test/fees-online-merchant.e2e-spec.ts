import { randomBytes, randomUUID } from 'node:crypto';
import { type Caller, caller } from './support/caller';
import { EsewaStandIn, esewaCallback } from './support/esewa-stand-in';
import { type FeesCampus, feesCampus } from './support/fees';
import { invoiceFor } from './support/fees-online';
import { inSchema } from './support/school-year';
import { createTestApp, type TestApp } from './support/test-app';

interface Checkout {
  payment: { id: string; transactionUuid: string; status: string };
}

/*
 * What eSewa can be asked about: rupees only, and a payment always under the merchant code it
 * was started with, which is why the merchant may not move while families are paying.
 */
describe('fees: online payment in rupees, under the merchant it started with', () => {
  const esewa = new EsewaStandIn();
  let t: TestApp;
  let call: Caller;
  let a: FeesCampus;
  let b: FeesCampus;
  const merchant = (code: string) => ({
    merchantCode: `${code}-${randomBytes(3).toString('hex')}`,
    secretKey: `s-${randomUUID()}`,
  });
  const first = merchant('FIRST');

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

  const setMerchant = (c: FeesCampus, settings: { merchantCode: string; secretKey: string }) =>
    call(c.school, c.owner, 'PUT', '/api/fees/settings/esewa', settings);
  const startPaying = (c: FeesCampus, invoiceId: string) =>
    call(
      c.school,
      c.as.gwen,
      'POST',
      `/api/guardians/my-children/${c.ids.ana}/fees/invoices/${invoiceId}/esewa`,
    );
  const recheck = (c: FeesCampus, paymentId: string) =>
    call(c.school, c.owner, 'POST', `/api/fees/online-payments/${paymentId}/recheck`);
  const receiptsOf = async (c: FeesCampus, invoiceId: string) =>
    (
      await inSchema<{ n: number }>(
        c.school,
        'SELECT count(*)::int AS n FROM fee_receipts WHERE invoice_id = $1',
        [invoiceId],
      )
    )[0].n;

  it('refuses to take or settle an invoice that is not in rupees through eSewa (409)', async () => {
    const put = await setMerchant(a, first);
    expect(put.statusCode).toBe(200);
    const dollars = await invoiceFor(a, { studentId: a.ids.ana, month: -1, totalMinor: 50_000 });
    await inSchema(a.school, `UPDATE fee_invoices SET currency = 'USD' WHERE id = $1`, [
      dollars.id,
    ]);
    const refused = await startPaying(a, dollars.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'ONLINE_PAYMENT_CURRENCY', details: { currency: 'USD' } },
    });
    const [none] = await inSchema<{ n: number }>(
      a.school,
      'SELECT count(*)::int AS n FROM fee_online_payments WHERE invoice_id = $1',
      [dollars.id],
    );
    expect(none.n).toBe(0);

    // A payment started in rupees whose invoice no longer is: eSewa is not even asked.
    const rupees = await invoiceFor(a, { studentId: a.ids.ana, month: 0, totalMinor: 40_000 });
    const started = (await startPaying(a, rupees.id)).json<Checkout>();
    const uuid = started.payment.transactionUuid;
    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'REF-USD' });
    await inSchema(a.school, `UPDATE fee_invoices SET currency = 'USD' WHERE id = $1`, [rupees.id]);
    const verified = await call(
      a.school,
      null,
      'GET',
      `/api/fees/esewa/verify?data=${encodeURIComponent(
        esewaCallback(uuid, '400.0', { productCode: first.merchantCode, secret: first.secretKey }),
      )}`,
    );
    const rechecked = await recheck(a, started.payment.id);
    for (const answer of [verified, rechecked]) {
      expect([answer.statusCode, answer.json().error.code]).toEqual([
        409,
        'ONLINE_PAYMENT_CURRENCY',
      ]);
    }
    expect(esewa.askedAbout(uuid)).toBe(0);
    expect(await receiptsOf(a, rupees.id)).toBe(0);
    // Done with: the next test counts the payments still pending.
    await inSchema(a.school, `UPDATE fee_online_payments SET status = 'failed' WHERE id = $1`, [
      started.payment.id,
    ]);
  });

  it('keeps the merchant while families pay it, and asks eSewa under the code a payment started with', async () => {
    await setMerchant(a, first);
    const invoice = await invoiceFor(a, { studentId: a.ids.ana, month: 1, totalMinor: 30_000 });
    const started = (await startPaying(a, invoice.id)).json<Checkout>();
    const [stored] = await inSchema<{ merchant_code: string }>(
      a.school,
      'SELECT merchant_code FROM fee_online_payments WHERE id = $1',
      [started.payment.id],
    );
    expect(stored.merchant_code).toBe(first.merchantCode);

    const second = merchant('SECOND');
    for (const refused of [
      await setMerchant(a, second),
      await call(a.school, a.owner, 'DELETE', '/api/fees/settings/esewa'),
    ]) {
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        error: { code: 'ONLINE_PAYMENTS_PENDING', details: { pending: 1 } },
      });
    }
    const got = await call(a.school, a.owner, 'GET', '/api/fees/settings/esewa');
    expect(got.json()).toMatchObject({ merchantCode: first.merchantCode });
    // A new secret under the same code strands nobody.
    const rekeyed = { ...first, secretKey: `s-${randomUUID()}` };
    expect((await setMerchant(a, rekeyed)).statusCode).toBe(200);
    // Another school's merchant is its own business.
    expect((await setMerchant(b, second)).statusCode).toBe(200);

    // An hour on, the payment is taken as abandoned and the school may move to another code...
    await inSchema(
      a.school,
      `UPDATE fee_online_payments SET created_at = now() - interval '61 minutes' WHERE id = $1`,
      [started.payment.id],
    );
    expect((await setMerchant(a, second)).statusCode).toBe(200);
    // ...and eSewa is still asked about the payment under the code it was started with.
    const uuid = started.payment.transactionUuid;
    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'REF-OLD' });
    const settled = await recheck(a, started.payment.id);
    expect(settled.statusCode).toBe(200);
    expect(settled.json()).toMatchObject({ status: 'complete', invoice: { status: 'paid' } });
    const asked = esewa.asked.filter((query) => query.get('transaction_uuid') === uuid);
    expect(asked.map((query) => query.get('product_code'))).toEqual([first.merchantCode]);
    expect(await receiptsOf(a, invoice.id)).toBe(1);
    expect((await call(a.school, a.owner, 'DELETE', '/api/fees/settings/esewa')).statusCode).toBe(
      204,
    );
  });
});
