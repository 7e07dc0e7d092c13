import { getDataSourceToken } from '@nestjs/typeorm';
import { SchoolDirectory, type School } from '@schoolyard/tenancy';
import { type AddressInfo } from 'node:net';
import { type Pool, type PoolClient } from 'pg';
import { type DataSource } from 'typeorm';
import { runLoad, type LoadRequest } from './support/http-load';
import { LeakProbeController, type ProbeAnswer } from './support/leak-probe.controller';
import { createTestApp, registerSchool, type TestApp, withOwnerClient } from './support/test-app';

const SCHOOLS = 50;
const REQUESTS = 5000;
const CONCURRENCY = 64;
const POOL_SIZE = 8;

describe('no leak between schools under concurrency', () => {
  let t: TestApp;
  let schools: School[];
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: String(POOL_SIZE) }, [LeakProbeController]);
    schools = [];
    for (let i = 0; i < SCHOOLS; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: 5 }, (_, j) =>
          registerSchool(t.app, { name: `Leak school ${i + j}` }),
        ),
      );
      for (const registered of batch) {
        const school = await t.app.get(SchoolDirectory).findByHost(registered.host);
        schools.push(school!);
      }
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('answers every request with its own school only, and returns every connection clean', async () => {
    const plan = Array.from({ length: REQUESTS }, (_, i) => {
      // A stride coprime with the school count interleaves schools on every connection.
      const school = schools[(i * 7) % SCHOOLS];
      const kind = i % 10 === 3 ? 'throw' : i % 10 === 7 ? 'abort' : 'ok';
      const request: LoadRequest = {
        host: `${school.slug}.localhost`,
        path:
          kind === 'ok'
            ? '/test/probe'
            : kind === 'throw'
              ? '/test/probe?mode=throw'
              : '/test/probe?mode=slow',
        abortAfterMs: kind === 'abort' ? 5 : undefined,
      };
      return { school, kind, request };
    });

    const results = await runLoad(
      port,
      plan.map((p) => p.request),
      CONCURRENCY,
    );

    let answered = 0;
    const foreign: string[] = [];
    for (const [i, { school, kind }] of plan.entries()) {
      const result = results[i];
      if (kind === 'throw') {
        expect(result.status).toBe(500);
        expect(result.body).toMatchObject({ error: { code: 'INTERNAL_ERROR' } });
        continue;
      }
      if (result.status === 'aborted') continue;
      expect(result.status).toBe(200);
      const body = result.body as ProbeAnswer;
      answered++;
      if (
        body.displayName !== school.name ||
        body.role !== school.dbRole ||
        body.searchPath !== `"${school.schemaName}"`
      ) {
        foreign.push(`${school.slug} got ${JSON.stringify(body)}`);
      }
    }
    expect(foreign).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(REQUESTS * 0.8);

    // Requests whose clients hung up may still be finishing on the server.
    await new Promise((done) => setTimeout(done, 500));

    // Every failed handler rolled back its write.
    await withOwnerClient(async (db) => {
      for (const school of schools) {
        const row = await db.query(
          `SELECT display_name FROM "${school.schemaName}".school_settings`,
        );
        expect(row.rows[0].display_name).toBe(school.name);
      }
    });

    // Take every connection the pool has and look at each one's settings.
    const source = t.app.get<DataSource>(getDataSourceToken());
    const pool = (source.driver as unknown as { master: Pool }).master;
    const clients: PoolClient[] = await Promise.all(
      Array.from({ length: POOL_SIZE }, () => pool.connect()),
    );
    try {
      for (const client of clients) {
        const state = await client.query(
          `SELECT current_setting('search_path') AS search_path, current_user AS role,
                  current_setting('statement_timeout') AS timeout, pg_current_xact_id_if_assigned() AS xact,
                  (SELECT state FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS activity`,
        );
        expect(state.rows[0]).toEqual({
          search_path: '"$user", public',
          role: t.urls.apiRole,
          timeout: '0',
          xact: null,
          activity: 'active',
        });
      }
    } finally {
      for (const client of clients) client.release();
    }
  }, 180_000);
});
