import { prepareDatabase } from '@schoolyard/database';
import { type School } from '@schoolyard/tenancy';
import { expectNoLeak, LEAK_CONNECT_TIMEOUT_MS, leakSchools } from '../support/leak-check';
import { LeakProbeController } from '../support/leak-probe.controller';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer';
import { createTestApp, type TestApp, testDatabaseUrl } from '../support/test-app';

const SCHOOLS = 50;
/** The API's request pool: 8 connections to PgBouncer, which shares 4 server connections among them. */
const POOL_SIZE = 8;
const SERVER_CONNECTIONS = 4;

describe('behind PgBouncer in transaction pooling', () => {
  let bouncer: PgBouncer;
  let t: TestApp;
  let schools: School[];
  let port: number;

  beforeAll(async () => {
    // The API's login role exists (with its password) before PgBouncer is told about it.
    const { urls } = await prepareDatabase(testDatabaseUrl());
    const requestsUrl = new URL(urls.requestsUrl);
    bouncer = await startPgBouncer(testDatabaseUrl(), {
      logins: [
        {
          user: decodeURIComponent(requestsUrl.username),
          password: decodeURIComponent(requestsUrl.password),
        },
      ],
      poolSize: SERVER_CONNECTIONS,
    });
    // Only the request pool goes through PgBouncer; the owner keeps its direct connection,
    // as docker/ and the README prescribe (session advisory locks, LISTEN).
    t = await createTestApp(
      { DB_POOL_SIZE: String(POOL_SIZE), DB_CONNECT_TIMEOUT_MS: LEAK_CONNECT_TIMEOUT_MS },
      [LeakProbeController],
      undefined,
      {
        requestsUrl: (prepared) => bouncer.through(prepared.requestsUrl),
      },
    );
    ({ schools, port } = await leakSchools(t, SCHOOLS));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await bouncer?.stop();
  });

  it('answers every request with its own school only, on server connections shared by PgBouncer', async () => {
    expect(t.urls.requestsUrl).toContain(`:${bouncer.port}/`);
    const answers = await expectNoLeak(t, schools, port, {
      requests: 5000,
      concurrency: 64,
      poolSize: POOL_SIZE,
    });
    // Transaction pooling really happened: 8 client connections were served by at most 4
    // PostgreSQL backends, each of which ran many schools' transactions in turn.
    const backends = new Set(answers.map((answer) => answer.backend));
    expect(backends.size).toBeGreaterThan(0);
    expect(backends.size).toBeLessThanOrEqual(SERVER_CONNECTIONS);
  }, 180_000);
});
