import { PaymentRechecks, PaymentSettlement, recheckQueue } from '@schoolyard/billing';
import { prepareDatabase } from '@schoolyard/database';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  addMember,
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  testDatabaseUrl,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';
import { caller } from './support/caller';
import { EsewaStandIn } from './support/esewa-stand-in';

/** eSewa's published test merchant and secret (the configuration's defaults). */
const PRODUCT_CODE = 'EPAYTEST';
const TEST_SECRET = '8gBm/:&EnhH.1/q';

interface PaymentBody {
  id: string;
  transactionUuid: string;
  status: string;
  providerStatus: string | null;
  providerReference: string | null;
  totalMinor: number;
  periodStart: string | null;
  periodEnd: string | null;
}

interface CheckoutBody {
  payment: PaymentBody;
  formUrl: string;
  method: string;
  fields: Record<string, string>;
}

const sign = (message: string, secret = TEST_SECRET) =>
  createHmac('sha256', secret).update(message).digest('base64');

const CALLBACK_SIGNED =
  'transaction_code,status,total_amount,transaction_uuid,product_code,signed_field_names';

/**
 * The callback eSewa sends the browser back with, built as its documentation shows: the
 * total is a JSON number (7500.0), signed as written.
 */
function callback(
  uuid: string,
  totalAmount: string,
  options: { secret?: string; signedAmount?: string; productCode?: string } = {},
): string {
  const productCode = options.productCode ?? PRODUCT_CODE;
  const message =
    `transaction_code=000TEST,status=COMPLETE,total_amount=${options.signedAmount ?? totalAmount},` +
    `transaction_uuid=${uuid},product_code=${productCode},signed_field_names=${CALLBACK_SIGNED}`;
  const json =
    `{"transaction_code":"000TEST","status":"COMPLETE","total_amount":${totalAmount},` +
    `"transaction_uuid":"${uuid}","product_code":"${productCode}",` +
    `"signed_field_names":"${CALLBACK_SIGNED}","signature":"${sign(message, options.secret)}"}`;
  return Buffer.from(json).toString('base64');
}

describe('billing and payments', () => {
  const esewa = new EsewaStandIn();
  /** A trial small enough to reach its limits in a test: 2 students, 1 staff member. */
  const trialPlan = `tiny-${randomBytes(4).toString('hex')}`;
  /*
   * Jobs of its own: only this suite's app talks to the eSewa stand-in, so no other app of the
   * run may work its payment rechecks.
   */
  const jobsSchema = `jobs_${randomBytes(4).toString('hex')}`;
  let t: TestApp;

  beforeAll(async () => {
    const statusUrl = await esewa.start();
    // The plan must exist before the app starts: a trial plan that does not stops start-up.
    await prepareDatabase(testDatabaseUrl());
    await withOwnerClient((db) =>
      db.query(
        `INSERT INTO plans (code, name, price_minor, max_students, max_staff, purchasable)
         VALUES ($1, 'Tiny trial', 0, 2, 1, false)`,
        [trialPlan],
      ),
    );
    t = await createTestApp({
      ESEWA_STATUS_URL: statusUrl,
      ESEWA_TIMEOUT_MS: '300',
      BILLING_TRIAL_PLAN: trialPlan,
      BILLING_TRIAL_DAYS: '14',
      JOBS_SCHEMA: jobsSchema,
    });
  });
  afterAll(async () => {
    await t?.close();
    await esewa.stop();
    await withOwnerClient((db) => db.query(`DROP SCHEMA IF EXISTS ${jobsSchema} CASCADE`));
  });

  const call = caller(() => t);

  const verify = (school: RegisteredSchool, data: string) =>
    call(school, null, 'GET', `/api/payments/verify?data=${encodeURIComponent(data)}`);

  async function schoolWithOwner() {
    const school = await registerSchool(t.app);
    return { school, owner: await signIn(t.app, school.host, school.ownerUsername) };
  }

  async function startPayment(
    school: RegisteredSchool,
    owner: SignedIn,
    planCode = 'basic',
    periods = 3,
  ): Promise<CheckoutBody> {
    const response = await call(school, owner, 'POST', '/api/payments/init', { planCode, periods });
    expect(response.statusCode).toBe(201);
    return response.json<CheckoutBody>();
  }

  const query = <T>(sql: string, params: unknown[]) =>
    withOwnerClient(async (db) => (await db.query(sql, params)).rows as T[]);

  const subscriptionOf = async (school: RegisteredSchool) =>
    (
      await query<{
        plan_code: string;
        state: string;
        current_period_start: Date;
        current_period_end: Date;
      }>(`SELECT * FROM subscriptions WHERE organization_id = $1`, [school.id])
    )[0];

  const eventsOf = (paymentOrSchool: { payment?: string; school?: string }) =>
    query<{ kind: string; reason: string | null; organization_id: string }>(
      `SELECT kind, reason, organization_id FROM payment_events
        WHERE ($1::uuid IS NULL OR payment_id = $1) AND ($2::uuid IS NULL OR organization_id = $2)
        ORDER BY created_at`,
      [paymentOrSchool.payment ?? null, paymentOrSchool.school ?? null],
    );

  it('starts a new school on the configured trial and shows owners their subscription and the plans', async () => {
    const { school, owner } = await schoolWithOwner();
    const subscription = await call(school, owner, 'GET', '/api/billing/subscription');
    expect(subscription.statusCode).toBe(200);
    const body = subscription.json();
    expect(body).toMatchObject({
      plan: { code: trialPlan, priceMinor: 0, maxStudents: 2, maxStaff: 1, purchasable: false },
      state: 'trialing',
      usage: { students: { active: 0, limit: 2 }, staff: { active: 0, limit: 1 } },
    });
    const days =
      (Date.parse(body.currentPeriodEnd) - Date.parse(body.currentPeriodStart)) / 86_400_000;
    expect(days).toBe(14);

    const plans = await call(school, owner, 'GET', '/api/billing/plans');
    expect(plans.statusCode).toBe(200);
    expect(plans.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'trial', priceMinor: 0, purchasable: false }),
        expect.objectContaining({ code: 'basic', priceMinor: 250_000, currency: 'NPR' }),
        expect.objectContaining({ code: 'standard', priceMinor: 600_000, maxStudents: 1500 }),
      ]),
    );
  });

  it('registers nothing when the trial cannot be started', async () => {
    const subdomain = uniqueSubdomain('notrial');
    await query(`UPDATE plans SET active = false WHERE code = $1`, [trialPlan]);
    try {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/organizations/register',
        headers: { host: 'localhost' },
        payload: {
          name: 'No Trial',
          subdomain,
          owner: {
            firstName: 'Nora',
            lastName: 'Trial',
            email: `${subdomain}@example.org`,
            password: 'a long enough password',
          },
        },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('TRIAL_PLAN_UNAVAILABLE');
    } finally {
      await query(`UPDATE plans SET active = true WHERE code = $1`, [trialPlan]);
    }
    const [left] = await query<{ organizations: number; users: number; schemas: number }>(
      `SELECT (SELECT count(*) FROM organizations WHERE slug = $1)::int AS organizations,
              (SELECT count(*) FROM users WHERE email = $2)::int AS users,
              (SELECT count(*) FROM pg_namespace WHERE nspname = $3)::int AS schemas`,
      [subdomain, `${subdomain}@example.org`, `school_${subdomain}`],
    );
    expect(left).toEqual({ organizations: 0, users: 0, schemas: 0 });
  });

  it("returns the browser to the school's registered address, whatever Host the request carried", async () => {
    const { school, owner } = await schoolWithOwner();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/payments/init',
      headers: { host: `${school.host}:4100@evil.example`, ...owner.bearer },
      payload: { planCode: 'basic', periods: 1 },
    });
    expect(response.statusCode).toBe(201);
    const fields = response.json<CheckoutBody>().fields;
    expect(fields.success_url).toBe(`http://${school.host}:${t.config.port}/api/payments/verify`);
    expect(JSON.stringify(fields)).not.toContain('evil.example');
  });

  it('pays for a plan: init, eSewa callback, status check, then the payment completes and the subscription runs', async () => {
    const { school, owner } = await schoolWithOwner();
    const checkout = await startPayment(school, owner, 'basic', 3);
    const uuid = checkout.payment.transactionUuid;
    expect(checkout).toMatchObject({
      formUrl: 'https://rc-epay.esewa.com.np/api/epay/main/v2/form',
      method: 'POST',
      payment: { status: 'pending', totalMinor: 750_000, periods: 3, planCode: 'basic' },
      fields: {
        amount: '7500',
        tax_amount: '0',
        total_amount: '7500',
        transaction_uuid: uuid,
        product_code: PRODUCT_CODE,
        product_service_charge: '0',
        product_delivery_charge: '0',
        success_url: `http://${school.host}:${t.config.port}/api/payments/verify`,
        signed_field_names: 'total_amount,transaction_uuid,product_code',
      },
    });
    expect(checkout.fields.signature).toBe(
      sign(`total_amount=7500,transaction_uuid=${uuid},product_code=${PRODUCT_CODE}`),
    );
    const [stored] = await query<{ amount_minor: string; status: string }>(
      `SELECT amount_minor, status FROM payments WHERE id = $1`,
      [checkout.payment.id],
    );
    expect(stored).toEqual({ amount_minor: '750000', status: 'pending' });

    esewa.answers.set(uuid, { status: 'COMPLETE', refId: '000AWEO' });
    const verified = await verify(school, callback(uuid, '7500.0'));
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({
      id: checkout.payment.id,
      status: 'complete',
      providerStatus: 'COMPLETE',
      providerReference: '000AWEO',
    });
    const asked = esewa.asked.filter((q) => q.get('transaction_uuid') === uuid);
    expect(asked.map((q) => Object.fromEntries(q))).toEqual([
      { product_code: PRODUCT_CODE, total_amount: '7500', transaction_uuid: uuid },
    ]);

    const subscription = await subscriptionOf(school);
    expect(subscription).toMatchObject({ plan_code: 'basic', state: 'active' });
    const [credited] = await query<{ three_months: boolean; matches: boolean }>(
      `SELECT s.current_period_end = s.current_period_start + interval '3 months' AS three_months,
              (p.period_start, p.period_end) = (s.current_period_start, s.current_period_end) AS matches
         FROM subscriptions s JOIN payments p ON p.organization_id = s.organization_id
        WHERE p.id = $1`,
      [checkout.payment.id],
    );
    expect(credited).toEqual({ three_months: true, matches: true });
    const shown = (await call(school, owner, 'GET', '/api/billing/subscription')).json();
    expect(shown).toMatchObject({ plan: { code: 'basic', maxStudents: 300 }, state: 'active' });

    // One more month of the same plan adds to the running period instead of restarting it.
    const [before] = await query<{ ends: string }>(
      `SELECT current_period_end::text AS ends FROM subscriptions WHERE organization_id = $1`,
      [school.id],
    );
    const renewal = await startPayment(school, owner, 'basic', 1);
    esewa.answers.set(renewal.payment.transactionUuid, { status: 'COMPLETE' });
    expect(
      (await verify(school, callback(renewal.payment.transactionUuid, '2500.0'))).json().status,
    ).toBe('complete');
    const renewed = await subscriptionOf(school);
    expect(renewed.current_period_start).toEqual(subscription.current_period_start);
    const [added] = await query<{ ok: boolean }>(
      `SELECT current_period_end = $2::timestamptz + interval '1 month' AS ok
         FROM subscriptions WHERE organization_id = $1`,
      [school.id, before.ends],
    );
    expect(added.ok).toBe(true);

    const listed = await call(school, owner, 'GET', '/api/payments');
    expect(listed.json().map((p: PaymentBody) => p.id)).toEqual([
      renewal.payment.id,
      checkout.payment.id,
    ]);
  });

  it('credits a replayed callback once, even when the replays race', async () => {
    const { school, owner } = await schoolWithOwner();
    const checkout = await startPayment(school, owner, 'standard', 2);
    const uuid = checkout.payment.transactionUuid;
    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'R1' });
    const data = callback(uuid, '12000.0');
    const raced = await Promise.all([
      verify(school, data),
      verify(school, data),
      verify(school, data),
    ]);
    expect(raced.map((response) => response.json().status)).toEqual([
      'complete',
      'complete',
      'complete',
    ]);
    const after = await subscriptionOf(school);
    const replay = await verify(school, data);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: checkout.payment.id, status: 'complete' });
    expect(await subscriptionOf(school)).toEqual(after);
    const [period] = await query<{ two_months: boolean }>(
      `SELECT current_period_end = current_period_start + interval '2 months' AS two_months
         FROM subscriptions WHERE organization_id = $1`,
      [school.id],
    );
    expect(period.two_months).toBe(true);
    const completions = (await eventsOf({ payment: checkout.payment.id })).filter(
      (event) => event.kind === 'completed',
    );
    expect(completions).toHaveLength(1);
    // The replay after completion is answered from our record; eSewa is not asked again.
    const askedBefore = esewa.askedAbout(uuid);
    await verify(school, data);
    expect(esewa.askedAbout(uuid)).toBe(askedBefore);
  });

  it('refuses tampered, forged, foreign and unreadable callbacks with 400, and records each', async () => {
    const { school, owner } = await schoolWithOwner();
    const checkout = await startPayment(school, owner, 'basic', 1);
    const uuid = checkout.payment.transactionUuid;
    esewa.answers.set(uuid, { status: 'COMPLETE' });
    const refusals: Array<[string, string, string]> = [
      // The amount changed after eSewa signed it.
      [
        callback(uuid, '25.0', { signedAmount: '2500.0' }),
        'PAYMENT_CALLBACK_SIGNATURE_INVALID',
        'bad_signature',
      ],
      // Signed by someone who knows the secret, for another amount than the payment's.
      [callback(uuid, '25.0'), 'PAYMENT_CALLBACK_AMOUNT_MISMATCH', 'amount_mismatch'],
      // Forged: signed with another key.
      [
        callback(uuid, '2500.0', { secret: 'not the merchant secret' }),
        'PAYMENT_CALLBACK_SIGNATURE_INVALID',
        'bad_signature',
      ],
      [
        callback(randomUUID(), '2500.0'),
        'PAYMENT_CALLBACK_UNKNOWN_TRANSACTION',
        'unknown_transaction',
      ],
      [
        callback(uuid, '2500.0', { productCode: 'OTHERSHOP' }),
        'PAYMENT_CALLBACK_WRONG_MERCHANT',
        'wrong_merchant',
      ],
      ['bm90IGpzb24=', 'PAYMENT_CALLBACK_MALFORMED', 'malformed'],
    ];
    for (const [data, code] of refusals) {
      const response = await verify(school, data);
      expect({ status: response.statusCode, code: response.json().error.code }).toEqual({
        status: 400,
        code,
      });
    }
    expect((await eventsOf({ school: school.id })).map((event) => event.reason)).toEqual(
      refusals.map(([, , reason]) => reason),
    );
    expect(esewa.askedAbout(uuid)).toBe(0);
    const payment = await call(school, owner, 'GET', `/api/payments/${checkout.payment.id}`);
    expect(payment.json()).toMatchObject({ status: 'pending', providerStatus: null });
    expect((await subscriptionOf(school)).plan_code).toBe(trialPlan);
  });

  it('leaves the payment pending while the status API is down, then a recheck completes it', async () => {
    const { school, owner } = await schoolWithOwner();
    const checkout = await startPayment(school, owner, 'basic', 1);
    const uuid = checkout.payment.transactionUuid;
    const data = callback(uuid, '2500.0');

    esewa.answers.set(uuid, 'hang');
    const timedOut = await verify(school, data);
    expect(timedOut.statusCode).toBe(503);
    expect(timedOut.json().error).toMatchObject({
      code: 'PAYMENT_PROVIDER_UNAVAILABLE',
      details: { paymentId: checkout.payment.id },
    });
    esewa.answers.set(uuid, 'error');
    const broken = await verify(school, data);
    expect(broken.statusCode).toBe(502);
    expect(broken.json().error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    const recheckDown = await call(
      school,
      owner,
      'GET',
      `/api/payments/${checkout.payment.id}/recheck`,
    );
    expect(recheckDown.statusCode).toBe(502);

    const [pending] = await query<{ status: string; completed_at: Date | null }>(
      `SELECT status, completed_at FROM payments WHERE id = $1`,
      [checkout.payment.id],
    );
    expect(pending).toEqual({ status: 'pending', completed_at: null });
    expect((await subscriptionOf(school)).plan_code).toBe(trialPlan);
    expect((await eventsOf({ payment: checkout.payment.id })).map((e) => e.reason)).toEqual([
      'unreachable',
      'bad_answer',
      'bad_answer',
    ]);

    esewa.answers.set(uuid, { status: 'COMPLETE', refId: 'LATE1' });
    const rechecked = await call(
      school,
      owner,
      'GET',
      `/api/payments/${checkout.payment.id}/recheck`,
    );
    expect(rechecked.statusCode).toBe(200);
    expect(rechecked.json()).toMatchObject({ status: 'complete', providerReference: 'LATE1' });
    expect((await subscriptionOf(school)).plan_code).toBe('basic');
  });

  it('follows what the status API says: pending stays, never-paid fails, and a late completion still counts', async () => {
    const { school, owner } = await schoolWithOwner();
    const checkout = await startPayment(school, owner, 'basic', 1);
    const id = checkout.payment.id;
    const uuid = checkout.payment.transactionUuid;
    const recheck = () => call(school, owner, 'GET', `/api/payments/${id}/recheck`);

    esewa.answers.set(uuid, { status: 'PENDING' });
    expect((await recheck()).json()).toMatchObject({
      status: 'pending',
      providerStatus: 'PENDING',
    });
    esewa.answers.set(uuid, { status: 'NOT_FOUND' });
    expect((await recheck()).json()).toMatchObject({
      status: 'failed',
      providerStatus: 'NOT_FOUND',
    });
    // eSewa's answer for another amount than ours is not believed.
    esewa.answers.set(uuid, { status: 'COMPLETE', totalAmount: '25.0' });
    expect((await recheck()).statusCode).toBe(502);
    esewa.answers.set(uuid, { status: 'COMPLETE' });
    expect((await recheck()).json()).toMatchObject({ status: 'complete' });

    const refunded = await startPayment(school, owner, 'basic', 1);
    esewa.answers.set(refunded.payment.transactionUuid, { status: 'FULL_REFUND' });
    const answer = await call(school, owner, 'GET', `/api/payments/${refunded.payment.id}/recheck`);
    expect(answer.json()).toMatchObject({ status: 'refunded', periodEnd: null });
  });

  it('rechecks pending payments from the CLI', async () => {
    const { school, owner } = await schoolWithOwner();
    const paid = await startPayment(school, owner, 'basic', 1);
    const down = await startPayment(school, owner, 'basic', 1);
    esewa.answers.set(paid.payment.transactionUuid, { status: 'COMPLETE' });
    esewa.answers.set(down.payment.transactionUuid, 'error');
    const settlement = t.app.get(PaymentSettlement);

    // `payments recheck --payment <id>` checks that one payment.
    expect(await settlement.recheckPending(paid.payment.id)).toEqual([
      { paymentId: paid.payment.id, status: 'complete', providerStatus: 'COMPLETE' },
    ]);
    // Without it, every pending payment of every school; the one eSewa cannot answer stays pending.
    const swept = await settlement.recheckPending();
    expect(swept.map((outcome) => outcome.paymentId)).not.toContain(paid.payment.id);
    expect(swept.find((outcome) => outcome.paymentId === down.payment.id)).toMatchObject({
      school: school.slug,
      error: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' },
    });
    expect(
      (await call(school, owner, 'GET', `/api/payments/${down.payment.id}`)).json().status,
    ).toBe('pending');
  });

  it('rechecks payments pending over half an hour as jobs, and completes those eSewa confirms once', async () => {
    const { school, owner } = await schoolWithOwner();
    const stale = await startPayment(school, owner, 'basic', 1);
    const fresh = await startPayment(school, owner, 'basic', 1);
    esewa.answers.set(stale.payment.transactionUuid, { status: 'COMPLETE' });
    esewa.answers.set(fresh.payment.transactionUuid, { status: 'COMPLETE' });
    await query(`UPDATE payments SET created_at = now() - interval '31 minutes' WHERE id = $1`, [
      stale.payment.id,
    ]);
    expect(await t.app.get(PaymentRechecks).queuePending()).toBe(1);
    const statusOf = async (id: string) =>
      (await call(school, owner, 'GET', `/api/payments/${id}`)).json<{ status: string }>().status;
    for (let i = 0; i < 300 && (await statusOf(stale.payment.id)) !== 'complete'; i++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(await statusOf(stale.payment.id)).toBe('complete');
    // The young payment's payer may still be on eSewa's page: left to its callback.
    expect(await statusOf(fresh.payment.id)).toBe('pending');
    const jobs = await query<{ singleton_key: string; state: string }>(
      `SELECT singleton_key, state FROM ${jobsSchema}.job WHERE name = $1`,
      [recheckQueue.name],
    );
    expect(jobs).toEqual([{ singleton_key: stale.payment.id, state: 'completed' }]);
    const completions = (await eventsOf({ payment: stale.payment.id })).filter(
      (event) => event.kind === 'completed',
    );
    expect(completions).toHaveLength(1);
  });

  it('refuses the enrolment or onboarding over the plan limit with 402, writing nothing', async () => {
    const { school, owner } = await schoolWithOwner();
    let admission = 0;
    const enroll = () =>
      call(school, owner, 'POST', '/api/students/enroll', {
        firstName: 'Sam',
        lastName: `Student${++admission}`,
        admissionNumber: `B-${admission}`,
      });
    const counts = async () =>
      (
        await query<{ students: number; profiles: number; staff: number }>(
          `SELECT (SELECT count(*) FROM "school_${school.slug}".students)::int AS students,
                  (SELECT count(*) FROM "school_${school.slug}".staff)::int AS staff,
                  (SELECT count(*) FROM "school_${school.slug}".profiles)::int AS profiles`,
          [],
        )
      )[0];

    // The limit is 2: at limit - 1 one more fits, at the limit it does not.
    expect((await enroll()).statusCode).toBe(201);
    const second = await enroll();
    expect(second.statusCode).toBe(201);
    const over = await enroll();
    expect(over.statusCode).toBe(402);
    expect(over.json().error).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { resource: 'students', limit: 2 },
    });
    expect(await counts()).toEqual({ students: 2, staff: 0, profiles: 3 });

    // A withdrawn student frees the place; bringing them back takes it again.
    const secondId = second.json().id;
    expect(
      (await call(school, owner, 'PATCH', `/api/students/${secondId}`, { status: 'withdrawn' }))
        .statusCode,
    ).toBe(200);
    expect((await enroll()).statusCode).toBe(201);
    const back = await call(school, owner, 'PATCH', `/api/students/${secondId}`, {
      status: 'active',
    });
    expect(back.statusCode).toBe(402);
    expect((await call(school, owner, 'GET', `/api/students/${secondId}`)).json().status).toBe(
      'withdrawn',
    );

    const onboard = (n: number) =>
      call(school, owner, 'POST', '/api/staff/onboard-instructor', {
        firstName: 'Tess',
        lastName: `Teacher${n}`,
      });
    expect((await onboard(1)).statusCode).toBe(201);
    const staffOver = await onboard(2);
    expect(staffOver.statusCode).toBe(402);
    expect(staffOver.json().error.details).toMatchObject({ resource: 'staff', limit: 1 });
    expect(await counts()).toEqual({ students: 3, staff: 1, profiles: 5 });
  });

  it('never lets concurrent enrolments race past the limit', async () => {
    const { school, owner } = await schoolWithOwner();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(school, owner, 'POST', '/api/students/enroll', {
          firstName: 'Rae',
          lastName: `Racer${i}`,
          admissionNumber: `R-${i}`,
        }),
      ),
    );
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 201, 402, 402, 402]);
    const [row] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "school_${school.slug}".students`,
      [],
    );
    expect(row.n).toBe(2);
  });

  it("keeps one school's payments from another: 404 to see or recheck, and its callback refused and recorded", async () => {
    const a = await schoolWithOwner();
    const b = await schoolWithOwner();
    const checkout = await startPayment(a.school, a.owner, 'basic', 1);
    const uuid = checkout.payment.transactionUuid;
    esewa.answers.set(uuid, { status: 'COMPLETE' });

    for (const url of [
      `/api/payments/${checkout.payment.id}`,
      `/api/payments/${checkout.payment.id}/recheck`,
    ]) {
      const response = await call(b.school, b.owner, 'GET', url);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('PAYMENT_NOT_FOUND');
    }
    expect((await call(b.school, b.owner, 'GET', '/api/payments')).json()).toEqual([]);

    const atB = await verify(b.school, callback(uuid, '2500.0'));
    expect(atB.statusCode).toBe(400);
    expect(atB.json().error.code).toBe('PAYMENT_CALLBACK_UNKNOWN_TRANSACTION');
    expect(await eventsOf({ payment: checkout.payment.id })).toEqual([
      { kind: 'callback_refused', reason: 'other_school', organization_id: b.school.id },
    ]);
    expect(esewa.askedAbout(uuid)).toBe(0);
    expect((await subscriptionOf(b.school)).plan_code).toBe(trialPlan);
    expect((await subscriptionOf(a.school)).plan_code).toBe(trialPlan);
    const [payment] = await query<{ status: string }>(`SELECT status FROM payments WHERE id = $1`, [
      checkout.payment.id,
    ]);
    expect(payment.status).toBe('pending');

    // A school's own database role reads its subscription through the function, and nothing else.
    await withOwnerClient(async (db) => {
      const [{ db_role: role }] = (
        await db.query(`SELECT db_role FROM organizations WHERE id = $1`, [b.school.id])
      ).rows;
      await db.query('BEGIN');
      try {
        await db.query(`SELECT set_config('role', $1, true)`, [role]);
        const own = await db.query(`SELECT plan_code FROM public.school_subscription(false)`);
        expect(own.rows).toEqual([{ plan_code: trialPlan }]);
        await expect(db.query('SELECT * FROM public.payments')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await db.query('ROLLBACK');
      }
    });
  });

  it('lets only the Owner pay by default, and refuses what cannot be bought', async () => {
    const { school, owner } = await schoolWithOwner();
    const roles = (await call(school, owner, 'GET', '/api/roles')).json<
      Array<{ id: string; systemKey: string | null }>
    >();
    const admin = await addMember(t, school, { firstName: 'Ada', lastName: 'Office' });
    const adminRole = roles.find((role) => role.systemKey === 'admin')!;
    expect(
      (
        await call(school, owner, 'POST', `/api/roles/${adminRole.id}/assignments`, {
          userId: admin.userId,
        })
      ).statusCode,
    ).toBe(201);
    const session = await signIn(t.app, school.host, admin.username, admin.password);
    const denied = await call(school, session, 'POST', '/api/payments/init', {
      planCode: 'basic',
      periods: 1,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.details).toEqual({ missingPermissions: ['billing.manage'] });
    expect((await call(school, session, 'GET', '/api/billing/subscription')).statusCode).toBe(200);

    for (const [body, code] of [
      [{ planCode: 'trial', periods: 1 }, 'PLAN_NOT_AVAILABLE'],
      [{ planCode: 'platinum', periods: 1 }, 'PLAN_NOT_AVAILABLE'],
      [{ planCode: 'basic', periods: 0 }, 'VALIDATION_FAILED'],
      [{ planCode: 'basic', periods: 1.5 }, 'VALIDATION_FAILED'],
      [{ planCode: 'basic', periods: 1, amount: 1 }, 'VALIDATION_FAILED'],
    ] as const) {
      const response = await call(school, owner, 'POST', '/api/payments/init', body);
      expect({ status: response.statusCode, code: response.json().error.code }).toEqual({
        status: 400,
        code,
      });
    }
    expect((await call(school, null, 'GET', '/api/payments')).statusCode).toBe(401);
  });
});
