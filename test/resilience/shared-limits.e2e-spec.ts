import { SchoolLifecycle } from '@schoolyard/fleet';
import { randomBytes } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { loopbackFetch } from '../support/loopback-fetch';
import { machineRedisUrl, type RedisServer, startRedisServer } from '../support/redis-server';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type TestApp,
  withOwnerClient,
} from '../support/test-app';

/**
 * Two API instances in this process, each on its own port, on one database and one Redis:
 * what one instance counts, the other sees. Without REDIS_URL each would allow every limit
 * once more (test/rate-limits and test/sign-in-throttling cover one instance).
 */
interface Instance {
  t: TestApp;
  fetch: typeof fetch;
}

async function startInstance(redisUrl: string): Promise<Instance> {
  const t = await createTestApp({ REDIS_URL: redisUrl, RATE_LIMIT_REFUSAL_HOLD_MS: '0' });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { t, fetch: loopbackFetch(port) };
}

async function status(instance: Instance, host: string, path = '/api/school'): Promise<number> {
  return (await instance.fetch(`http://${host}${path}`)).status;
}

/** A plan of this run only, put on `school` before its first request (limits are cached then). */
async function onTinyPlan(school: RegisteredSchool, perMinute: number): Promise<void> {
  const code = `tiny-${randomBytes(4).toString('hex')}`;
  await withOwnerClient(async (db) => {
    await db.query(
      `INSERT INTO public.plans (code, name, price_minor, purchasable, requests_per_minute,
                                 client_requests_per_minute)
       VALUES ($1, 'Tiny test plan', 0, false, $2, 1000)`,
      [code, perMinute],
    );
    await db.query(`UPDATE public.subscriptions SET plan_code = $1 WHERE organization_id = $2`, [
      code,
      school.id,
    ]);
  });
}

/** Sends `count` anonymous reads of the school's page, alternating instances; the statuses by instance. */
async function flood(instances: Instance[], school: RegisteredSchool, count: number) {
  const answers: number[][] = instances.map(() => []);
  for (let i = 0; i < count; i++) {
    const which = i % instances.length;
    answers[which].push(await status(instances[which], school.host));
  }
  return answers;
}

const accepted = (answers: number[]) => answers.filter((code) => code === 200).length;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 20));
  }
  return Date.now() - started;
}

describe('two instances sharing limits through Redis', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    a = await startInstance(machineRedisUrl());
    b = await startInstance(machineRedisUrl());
  }, 60_000);
  afterAll(async () => {
    await a?.t.close();
    await b?.t.close();
  });

  it("holds a school's allowance across both: the sum of accepted requests stays within the plan", async () => {
    const school = await registerSchool(a.t.app);
    await onTinyPlan(school, 10);
    const [fromA, fromB] = await flood([a, b], school, 30);
    // One window of ten between them, not ten each.
    expect(accepted(fromA) + accepted(fromB)).toBe(10);
    expect(accepted(fromA)).toBeGreaterThan(0);
    expect(accepted(fromB)).toBeGreaterThan(0);
    expect([...fromA, ...fromB].filter((code) => code === 429)).toHaveLength(20);
  });

  it('applies a sign-in throttle tripped on one instance on the other', async () => {
    const school = await registerSchool(a.t.app);
    const login = (instance: Instance, password: string) =>
      instance.fetch(`http://${school.host}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: school.ownerUsername, password }),
      });
    // Seven wrong passwords for this name from this address, all on A, waiting out A's own
    // refusals: five free, then waits of 1 s and 2 s; after the seventh, 4 s.
    let seventhAt = 0;
    for (let failures = 0; failures < 7;) {
      const answer = await login(a, `wrong ${failures}`);
      if (answer.status === 429) {
        await new Promise((done) =>
          setTimeout(done, Number(answer.headers.get('retry-after')) * 1000),
        );
        continue;
      }
      expect(answer.status).toBe(401);
      failures++;
      seventhAt = Date.now();
    }
    // B never saw a failure, yet makes the next attempt wait what is left of the seventh
    // failure's 4 s: on a loaded machine B may answer a moment later, never with more.
    const refused = await login(b, 'wrong again');
    const passed = (Date.now() - seventhAt) / 1000;
    const wait = Number(refused.headers.get('retry-after'));
    expect(refused.status).toBe(429);
    expect(wait).toBeLessThanOrEqual(4);
    expect(wait).toBeGreaterThanOrEqual(Math.floor(4 - passed));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'TOO_MANY_ATTEMPTS',
    );
  }, 30_000);

  it('refuses a suspended school on both instances within a second', async () => {
    const school = await registerSchool(a.t.app);
    // Both have served (and cached) the school before it is suspended.
    expect(await status(a, school.host)).toBe(200);
    expect(await status(b, school.host)).toBe(200);
    await a.t.app.get(SchoolLifecycle).suspend(school.slug, 'test:shared-limits');
    const refusedBy = async (instance: Instance) => (await status(instance, school.host)) === 403;
    const [onA, onB] = await Promise.all([
      until(() => refusedBy(a), 1000),
      until(() => refusedBy(b), 1000),
    ]);
    expect(onA).toBeLessThanOrEqual(1000);
    expect(onB).toBeLessThanOrEqual(1000);
  });
});

describe('when Redis goes away mid-run', () => {
  let redis: RedisServer;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    // A server of this suite's own: the machine's is never stopped.
    redis = await startRedisServer();
    a = await startInstance(redis.url);
    b = await startInstance(redis.url);
  }, 60_000);
  afterAll(async () => {
    await a?.t.close();
    await b?.t.close();
    await redis?.stop();
  });

  const health = async (instance: Instance) => {
    const answer = await instance.fetch('http://localhost/health');
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };

  it('keeps serving, reports degraded health, limits per instance, and shares them again when it returns', async () => {
    expect(await health(a)).toMatchObject({
      status: 200,
      body: { status: 'ok', details: { redis: { status: 'up' } } },
    });
    expect((await health(a)).body.degraded).toBeUndefined();

    await redis.stop();
    await until(async () => (await health(a)).body.degraded === true, 5000);
    // Served, not failed: the database is there; only the sharing is not.
    expect(await health(b)).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        degraded: true,
        details: { redis: { status: 'down' }, database: { status: 'up' } },
      },
    });
    const cut = await registerSchool(a.t.app);
    await onTinyPlan(cut, 5);
    // Each instance counts on its own meanwhile: five each, still limited.
    const [cutA, cutB] = await flood([a, b], cut, 20);
    expect(accepted(cutA)).toBe(5);
    expect(accepted(cutB)).toBe(5);

    await redis.start();
    await until(async () => (await health(a)).body.degraded === undefined, 10_000);
    await until(async () => (await health(b)).body.degraded === undefined, 10_000);
    const back = await registerSchool(a.t.app);
    await onTinyPlan(back, 5);
    const [backA, backB] = await flood([a, b], back, 20);
    expect(accepted(backA) + accepted(backB)).toBe(5);
  }, 60_000);
});
