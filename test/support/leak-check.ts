import { getDataSourceToken } from '@nestjs/typeorm';
import { SchoolDirectory, type School } from '@schoolyard/tenancy';
import { type AddressInfo } from 'node:net';
import { type Pool, type PoolClient } from 'pg';
import { type DataSource } from 'typeorm';
import { runLoad, type LoadRequest } from './http-load';
import { type ProbeAnswer } from './leak-probe.controller';
import { registerSchool, type TestApp, withOwnerClient } from './test-app';

/** Registers `count` schools five at a time and starts listening on a loopback port. */
export async function leakSchools(
  t: TestApp,
  count: number,
): Promise<{ schools: School[]; port: number }> {
  const schools: School[] = [];
  for (let i = 0; i < count; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: 5 }, (_, j) => registerSchool(t.app, { name: `Leak school ${i + j}` })),
    );
    for (const registered of batch) {
      const school = await t.app.get(SchoolDirectory).findByHost(registered.host);
      schools.push(school!);
    }
  }
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { schools, port: (t.app.getHttpServer().address() as AddressInfo).port };
}

export interface LeakRun {
  requests: number;
  concurrency: number;
  /** The API's request pool size: every one of its connections is inspected at the end. */
  poolSize: number;
}

/**
 * The probe asks for a 200 from every request it does not abort: what it checks is
 * isolation, not how long a request may queue. On a machine running other suites at once a
 * request has waited past the 5 s default for its school's share of the pool (503), so
 * leak runs wait longer.
 */
export const LEAK_CONNECT_TIMEOUT_MS = '30000';

/**
 * The kernel's isolation probe under concurrency: requests of many schools interleaved on
 * every connection, a tenth failing mid-write and a tenth abandoned by their client. Every
 * answer must be its own school's; every failed write rolled back; every connection clean.
 * Returns the answers, for suites that look further (which backends served them).
 */
export async function expectNoLeak(
  t: TestApp,
  schools: School[],
  port: number,
  run: LeakRun,
): Promise<ProbeAnswer[]> {
  const plan = Array.from({ length: run.requests }, (_, i) => {
    // A stride coprime with the school count interleaves schools on every connection.
    const school = schools[(i * 7) % schools.length];
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
    run.concurrency,
  );

  const answers: ProbeAnswer[] = [];
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
    answers.push(body);
    if (
      body.displayName !== school.name ||
      body.role !== school.dbRole ||
      body.searchPath !== `"${school.schemaName}", pg_temp`
    ) {
      foreign.push(`${school.slug} got ${JSON.stringify(body)}`);
    }
  }
  expect(foreign).toEqual([]);
  expect(answers.length).toBeGreaterThanOrEqual(run.requests * 0.8);

  // Requests whose clients hung up may still be finishing on the server.
  await new Promise((done) => setTimeout(done, 500));

  // Every failed handler rolled back its write.
  await withOwnerClient(async (db) => {
    for (const school of schools) {
      const row = await db.query(`SELECT display_name FROM "${school.schemaName}".school_settings`);
      expect(row.rows[0].display_name).toBe(school.name);
    }
  });

  // Take every connection the pool has and look at each one's settings.
  const source = t.app.get<DataSource>(getDataSourceToken());
  const pool = (source.driver as unknown as { master: Pool }).master;
  const clients: PoolClient[] = await Promise.all(
    Array.from({ length: run.poolSize }, () => pool.connect()),
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
  return answers;
}
