import { createThrowawayDatabase, type ThrowawayDatabase } from '@schoolyard/database';
import { schemaNameFor } from '@schoolyard/tenancy';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  testDatabaseUrl,
  withOwnerClient,
} from '../support/test-app';

const CONNECT_TIMEOUT_MS = 1500;
/** No request may take longer than the connect timeout plus this, outage or not. */
const SLACK_MS = 1500;
const OUTAGE_MS = 3000;
const WRITERS = 8;

interface Attempt {
  admissionNumber: string;
  status: number;
  code?: string;
  id?: string;
  startedAt: number;
  ms: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/*
 * The fault: the database "restarts" while writes run. The server is shared (other suites of
 * this run, other people's work on the machine's PostgreSQL), so it is not restarted: this
 * suite gets a database of its own on it and, for the outage, does to that database what a
 * restart does to its clients. Every backend is terminated by the server
 * (pg_terminate_backend sends the same FATAL 57P01 "terminating connection due to
 * administrator command" a fast shutdown sends), and new connections are refused until it
 * "comes back" (ALLOW_CONNECTIONS false), as they are while a server is down or starting.
 * Nothing outside that database is touched.
 */
describe('database restart under load', () => {
  let database: ThrowawayDatabase;
  let t: TestApp;
  let school: RegisteredSchool;
  let owner: SignedIn;
  let name: string;

  beforeAll(async () => {
    database = await createThrowawayDatabase('outage', testDatabaseUrl());
    name = new URL(database.url).pathname.slice(1);
    t = await createTestApp(
      // Rate limits are not what this suite is about: its writers send a few hundred requests.
      { DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), RATE_LIMITS: 'false' },
      [],
      undefined,
      { databaseUrl: database.url },
    );
    school = await registerSchool(t.app);
    // Room for every student the writers enrol (the trial plan stops at 50).
    await withOwnerClient(
      (db) =>
        db.query(
          `UPDATE public.subscriptions SET plan_code = 'standard' WHERE organization_id = $1`,
          [school.id],
        ),
      database.url,
    );
    owner = await signIn(t.app, school.host, school.ownerUsername);
  }, 60_000);

  afterAll(async () => {
    await withOwnerClient((db) => db.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`));
    await t?.close();
    await database?.drop();
  });

  /** Run from the run's own database, so this connection is not one of those cut. */
  const cut = () =>
    withOwnerClient(async (db) => {
      await db.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      const killed = await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`,
        [name],
      );
      return killed.rowCount ?? 0;
    });
  const restore = () =>
    withOwnerClient((db) => db.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`));

  const health = () => t.app.inject({ url: '/health', headers: { host: 'localhost' } });

  it('answers 503 quickly while the database is away, serves again within 5 s, and loses no acknowledged write', async () => {
    const attempts: Attempt[] = [];
    let serial = 0;
    let running = true;
    const writer = async () => {
      while (running) {
        const admissionNumber = `R-${++serial}`;
        const startedAt = Date.now();
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/students/enroll',
          headers: { host: school.host, ...owner.bearer },
          payload: {
            firstName: 'Rita',
            lastName: 'Restart',
            admissionNumber,
            admissionDate: '2025-09-01',
          },
        });
        const body = response.json<{ id?: string; error?: { code: string } }>();
        attempts.push({
          admissionNumber,
          status: response.statusCode,
          code: body.error?.code,
          id: body.id,
          startedAt,
          ms: Date.now() - startedAt,
        });
        if (response.statusCode !== 201)
          expect(body).toMatchObject({ requestId: expect.any(String) });
        await sleep(40);
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);

    await sleep(1000);
    const cutAt = Date.now();
    const killed = await cut();
    expect(killed).toBeGreaterThan(0);

    await sleep(500);
    const during = await health();
    expect(during.statusCode).toBe(503);
    expect(during.json()).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
    await sleep(OUTAGE_MS - 500);

    await restore();
    const restoredAt = Date.now();
    // Serving again: the first write acknowledged after the database came back.
    let backAt: number | undefined;
    while (Date.now() - restoredAt < 8000) {
      const ok = attempts.find((a) => a.status === 201 && a.startedAt >= restoredAt);
      if (ok) {
        backAt = ok.startedAt + ok.ms;
        break;
      }
      await sleep(50);
    }
    await sleep(1000);
    running = false;
    await Promise.all(writers);

    expect(backAt).toBeDefined();
    expect(backAt! - restoredAt).toBeLessThan(5000);
    expect((await health()).statusCode).toBe(200);

    // Only acknowledged writes and quick refusals: nothing else, nothing slow.
    const refused = attempts.filter((a) => a.status !== 201);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((a) => `${a.status} ${a.code}`))).toEqual(
      new Set(['503 DATABASE_UNAVAILABLE']),
    );
    const slowest = Math.max(...attempts.map((a) => a.ms));
    expect(slowest).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
    // Every refusal fell inside the outage (or was in flight when it began).
    for (const a of refused) {
      expect(a.startedAt + a.ms).toBeGreaterThanOrEqual(cutAt);
      expect(a.startedAt).toBeLessThanOrEqual(restoredAt);
    }

    // No write that got a 201 was lost: every acknowledged student is in the school's table.
    const acknowledged = attempts.filter((a) => a.status === 201);
    expect(acknowledged.length).toBeGreaterThan(WRITERS);
    const stored = await withOwnerClient(async (db) => {
      const rows = await db.query<{ id: string; admission_number: string }>(
        `SELECT p.id, s.admission_number FROM "${schemaNameFor(school.slug)}".students s
           JOIN "${schemaNameFor(school.slug)}".profiles p ON p.id = s.profile_id`,
      );
      return new Map(rows.rows.map((row) => [row.id, row.admission_number]));
    }, database.url);
    const lost = acknowledged.filter((a) => stored.get(a.id!) !== a.admissionNumber);
    expect(lost).toEqual([]);
    // And nothing appeared that no one asked for: at most the refused writes whose commit
    // reached the server before their connection was cut.
    expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    expect(stored.size).toBeLessThanOrEqual(attempts.length);
  }, 60_000);
});
