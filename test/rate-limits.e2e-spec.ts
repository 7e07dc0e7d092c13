import { RateLimitGuard } from '@schoolyard/rate-limits';
import { SchoolDirectory } from '@schoolyard/tenancy';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect } from 'node:net';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/**
 * Writes `requests` on one raw connection and collects what comes back until `answers` HTTP
 * answers have arrived or the server closes the connection (or 5 s of silence pass: longer
 * than the hold).
 */
function exchange(port: number, requests: string, answers: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(requests));
    let received = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (answers > 0 && (received.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= answers) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** A plan of this run only, with small limits, so a flood is a few dozen requests. */
async function tinyPlan(perMinute: number, clientPerMinute: number): Promise<string> {
  const code = `tiny-${randomBytes(4).toString('hex')}`;
  await withOwnerClient((db) =>
    db.query(
      `INSERT INTO public.plans (code, name, price_minor, purchasable, requests_per_minute,
                                 client_requests_per_minute)
       VALUES ($1, 'Tiny test plan', 0, false, $2, $3)`,
      [code, perMinute, clientPerMinute],
    ),
  );
  return code;
}

async function putOnPlan(school: RegisteredSchool, plan: string): Promise<void> {
  await withOwnerClient((db) =>
    db.query(`UPDATE public.subscriptions SET plan_code = $1 WHERE organization_id = $2`, [
      plan,
      school.id,
    ]),
  );
}

describe('rate limits per school and per client', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Refusals answered at once: these tests send dozens one after another (the hold has its own).
    t = await createTestApp({
      RATE_LIMIT_PLATFORM_PER_MINUTE: '12',
      RATE_LIMIT_REFUSAL_HOLD_MS: '0',
      // Only for a school without a plan: every other school here has one.
      RATE_LIMIT_CLIENT_PER_MINUTE: '4',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const schoolPage = (school: RegisteredSchool, client: string) =>
    t.app.inject({ url: '/api/school', headers: { host: school.host }, remoteAddress: client });

  it("refuses a flooding school with 429 and Retry-After while another school's requests all pass", async () => {
    // Registration is from other addresses than the platform flood below.
    const noisy = await registerSchool(t.app);
    const quiet = await registerSchool(t.app);
    // Before either school's first request: limits are read once and then remembered.
    await putOnPlan(noisy, await tinyPlan(30, 20));

    const noisyAnswers: number[] = [];
    const quietAnswers: number[] = [];
    let refusal: Awaited<ReturnType<typeof schoolPage>> | undefined;
    for (let i = 0; i < 60; i++) {
      const [a, b] = await Promise.all([
        schoolPage(noisy, '10.0.0.1'),
        schoolPage(quiet, '10.0.0.1'),
      ]);
      noisyAnswers.push(a.statusCode);
      quietAnswers.push(b.statusCode);
      if (a.statusCode === 429) refusal ??= a;
    }
    // The client's own allowance (20) runs out first; the quiet school is untouched.
    expect(noisyAnswers.filter((status) => status === 200)).toHaveLength(20);
    expect(noisyAnswers.filter((status) => status === 429)).toHaveLength(40);
    expect(quietAnswers.every((status) => status === 200)).toBe(true);

    expect(Number(refusal!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refusal!.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.any(String),
        details: { scope: 'client', retryAfterSeconds: Number(refusal!.headers['retry-after']) },
      },
      requestId: expect.any(String),
    });

    // Another client of the noisy school still has its own allowance, up to the school's (30).
    const others: number[] = [];
    for (let i = 0; i < 15; i++) others.push((await schoolPage(noisy, '10.0.0.2')).statusCode);
    expect(others.filter((status) => status === 200)).toHaveLength(10);
    const last = await schoolPage(noisy, '10.0.0.3');
    expect(last.statusCode).toBe(429);
    expect(last.json()).toMatchObject({ error: { details: { scope: 'anonymous' } } });
  });

  it("keeps a school's signed-in users and sign-ins served while anonymous callers flood it", async () => {
    const school = await registerSchool(t.app);
    await putOnPlan(school, await tinyPlan(10, 1000));
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const me = () =>
      t.app.inject({ url: '/api/auth/me', headers: { host: school.host, ...owner.bearer } });

    // Anonymous callers from many addresses spend the anonymous allowance (10) and no more.
    const flood: number[] = [];
    for (let i = 0; i < 16; i++) flood.push((await schoolPage(school, `10.7.0.${i}`)).statusCode);
    expect(flood.filter((status) => status === 200)).toHaveLength(10);
    const refused = await schoolPage(school, '10.7.1.1');
    expect(refused.json()).toMatchObject({ error: { details: { scope: 'anonymous' } } });

    // The signed-in owner is served, and signing in again is sign-in work, not the school's.
    expect((await me()).statusCode).toBe(200);
    expect((await signIn(t.app, school.host, school.ownerUsername)).accessToken).toEqual(
      expect.any(String),
    );
    // A forged token cannot spend the signed-in allowance: it fails authentication first.
    for (let i = 0; i < 12; i++) {
      const forged = await t.app.inject({
        url: '/api/auth/me',
        headers: { host: school.host, authorization: 'Bearer forged' },
        remoteAddress: `10.7.2.${i}`,
      });
      expect(forged.statusCode).toBe(401);
    }
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await me()).statusCode);
    // 10 a minute for signed-in callers: the first call above and nine of these pass (one
    // more if the bucket refilled a token meanwhile, one every six seconds).
    expect(answers.slice(0, 9).every((status) => status === 200)).toBe(true);
    expect(answers.filter((status) => status === 200).length).toBeLessThanOrEqual(10);
    expect(answers[11]).toBe(429);
  });

  it('answers a refused client again before Nest, until its wait is over', async () => {
    const school = await registerSchool(t.app);
    await putOnPlan(school, await tinyPlan(1000, 5));
    const guard = t.app.get(RateLimitGuard);
    const decide = guard.canActivate.bind(guard);
    let consulted = 0;
    guard.canActivate = (context) => {
      consulted++;
      return decide(context);
    };
    try {
      const answers: number[] = [];
      for (let i = 0; i < 12; i++) answers.push((await schoolPage(school, '10.7.7.7')).statusCode);
      expect(answers).toEqual([...Array(5).fill(200), ...Array(7).fill(429)]);
      // Five allowed and the first refusal went through the guard; the six after it did not.
      expect(consulted).toBe(6);
      const again = await schoolPage(school, '10.7.7.7');
      expect(again.headers['retry-after']).toEqual(expect.any(String));
      expect(again.json()).toMatchObject({
        error: { code: 'RATE_LIMITED', details: { scope: 'client' } },
        requestId: expect.any(String),
      });
      // Another client of the same school is not caught by that refusal.
      expect((await schoolPage(school, '10.7.7.8')).statusCode).toBe(200);
    } finally {
      guard.canActivate = decide;
    }
  });

  it('limits a school without a plan by the configured fallback, and not its neighbour', async () => {
    const planless = await registerSchool(t.app);
    const neighbour = await registerSchool(t.app);
    await withOwnerClient((db) =>
      db.query(`DELETE FROM public.subscriptions WHERE organization_id = $1`, [planless.id]),
    );
    const answers: number[] = [];
    const neighbours: number[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push((await schoolPage(planless, '10.5.5.5')).statusCode);
      neighbours.push((await schoolPage(neighbour, '10.5.5.5')).statusCode);
    }
    expect(answers).toEqual([...Array(4).fill(200), 429, 429]);
    // The neighbour's trial plan allows far more than the fallback's four.
    expect(neighbours.every((status) => status === 200)).toBe(true);
  });

  it("applies a school's new plan at once, not when its cached entry expires", async () => {
    const school = await registerSchool(t.app);
    const directory = t.app.get(SchoolDirectory);
    const limitsNow = async () => (await directory.findByHost(school.host))?.rateLimits;
    // Served once on the trial plan: the school and its limits are now cached.
    expect((await schoolPage(school, '10.6.6.6')).statusCode).toBe(200);
    expect(await limitsNow()).toMatchObject({ clientPerMinute: 300 });

    await putOnPlan(school, await tinyPlan(1000, 2));
    // The change reaches the API as a notice; the cache would otherwise hold the trial for 60 s.
    const deadline = Date.now() + 5000;
    while ((await limitsNow())?.clientPerMinute !== 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await limitsNow()).toEqual({ schoolPerMinute: 1000, clientPerMinute: 2 });
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) answers.push((await schoolPage(school, '10.6.6.7')).statusCode);
    expect(answers).toEqual([200, 200, 429, 429]);
  });

  it('limits each client address on the platform host', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 15; i++) {
      const response = await t.app.inject({
        url: `/api/organizations/check-domain?subdomain=free${i}`,
        headers: { host: 'localhost' },
        remoteAddress: '10.9.9.9',
      });
      answers.push(response.statusCode);
    }
    expect(answers.slice(0, 12).every((status) => status === 200)).toBe(true);
    expect(answers.slice(12)).toEqual([429, 429, 429]);
    const elsewhere = await t.app.inject({
      url: '/api/organizations/check-domain?subdomain=free0',
      headers: { host: 'localhost' },
      remoteAddress: '10.9.9.10',
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('never limits the health check', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await t.app.inject({
        url: '/health',
        headers: { host: 'localhost' },
        remoteAddress: '10.9.9.9',
      });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe('repeat refusals held before they are sent', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Three seconds rather than the shipped one, so that on a slow machine the other school's
    // read still comes back before the held refusal.
    t = await createTestApp({ RATE_LIMIT_REFUSAL_HOLD_MS: '3000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it("holds a flooding client's repeat refusal while another school is answered at once", async () => {
    const noisy = await registerSchool(t.app);
    const quiet = await registerSchool(t.app);
    await putOnPlan(noisy, await tinyPlan(1000, 2));
    const page = (school: RegisteredSchool) =>
      t.app.inject({
        url: '/api/school',
        headers: { host: school.host },
        remoteAddress: '10.3.3.3',
      });

    const first = [];
    for (let i = 0; i < 3; i++) first.push((await page(noisy)).statusCode);
    // Two allowed; the guard's own refusal is answered at once.
    expect(first).toEqual([200, 200, 429]);

    const order: string[] = [];
    const started = Date.now();
    const held = page(noisy).then((answer) => {
      order.push('noisy');
      return answer;
    });
    const other = await page(quiet);
    order.push('quiet');
    const refusal = await held;

    expect(other.statusCode).toBe(200);
    expect(order).toEqual(['quiet', 'noisy']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2950);
    expect(refusal.statusCode).toBe(429);
    expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refusal.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', details: { scope: 'client' } },
      requestId: expect.any(String),
    });
  });

  it('closes a connection that pipelines more requests behind a held refusal', async () => {
    const school = await registerSchool(t.app);
    await putOnPlan(school, await tinyPlan(1000, 1));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const get = `GET /api/school HTTP/1.1\r\nHost: ${school.host}\r\n\r\n`;

    // One allowed, one refused by the guard: this address is now refused before Nest.
    const opening = await exchange(port, get + get, 2);
    expect(opening.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 429']);

    // Three at once on one connection: the first would be held, the second shows the client
    // is not waiting for answers, and the connection is closed with nothing sent.
    const flood = await exchange(port, get + get + get, 0);
    expect(flood).toBe('');
  });
});
