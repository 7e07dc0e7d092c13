import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { type SchoolyardStore } from '@schoolyard/common';
import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { deadLetterOf, type JobQueue, Jobs } from '@schoolyard/jobs';
import { ClsService } from 'nestjs-cls';
import { testDatabaseUrl, withOwnerClient } from './support/test-app';

/*
 * Retries, back-off, dead letters and request ids, on a pg-boss schema of this suite's own so
 * that no other app of the run works these queues.
 */
describe('jobs: retries, dead letters, request ids', () => {
  const schema = `jobs_${randomBytes(4).toString('hex')}`;
  const effects = `${schema}_effects`;
  const cls = new ClsService<SchoolyardStore>(new AsyncLocalStorage());
  let jobs: Jobs;

  const queue = (
    name: string,
    retryLimit: number,
    policy: JobQueue['policy'] = 'stately',
  ): JobQueue => ({
    name,
    policy,
    expireInSeconds: 30,
    retryLimit,
    retryDelay: 1,
    retryBackoff: true,
  });

  /** The job's effect: one row, written in the job's own transaction. */
  const effectCount = (key: string) =>
    withOwnerClient(async (db) => {
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${effects}.done WHERE key = $1`,
        [key],
      );
      return rows.rows[0].n;
    });

  const stateOf = (id: string | null, name?: string) =>
    withOwnerClient(async (db) => {
      const rows = await db.query<{ state: string; retry_count: number; name: string }>(
        `SELECT state, retry_count, name FROM ${schema}.job
          WHERE ${id ? 'id = $1' : 'name = $1'}`,
        [id ?? name],
      );
      return rows.rows;
    });

  const until = async (check: () => Promise<boolean>, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  beforeAll(async () => {
    // The failures below are meant; their warnings would only bury the test's own output.
    Logger.overrideLogger(false);
    await withOwnerClient((db) =>
      db.query(`CREATE SCHEMA ${effects}; CREATE TABLE ${effects}.done (key text NOT NULL)`),
    );
    const { urls } = await prepareDatabase(testDatabaseUrl(), undefined);
    jobs = new Jobs(
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), JOBS_SCHEMA: schema }),
      urls,
      cls,
    );
    await jobs.start();
  });

  afterAll(async () => {
    await jobs?.stop();
    await withOwnerClient((db) =>
      db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${effects} CASCADE`),
    );
  });

  it('runs a job that fails twice and then succeeds to completion once, its effect once', async () => {
    const flaky = queue('flaky', 4);
    let attempts = 0;
    await jobs.work<{ key: string }>(flaky, ({ key }) =>
      withOwnerClient(async (db) => {
        attempts += 1;
        await db.query('BEGIN');
        await db.query(`INSERT INTO ${effects}.done (key) VALUES ($1)`, [key]);
        if (attempts <= 2) {
          await db.query('ROLLBACK');
          throw new Error(`attempt ${attempts} fails`);
        }
        await db.query('COMMIT');
      }),
    );
    const id = await jobs.send(flaky, { key: 'flaky-1' }, { singletonKey: 'flaky-1' });
    jobs.wake(flaky);
    await until(async () => (await stateOf(id))[0]?.state === 'completed');
    expect(attempts).toBe(3);
    expect(await stateOf(id)).toEqual([{ state: 'completed', retry_count: 2, name: 'flaky' }]);
    expect(await effectCount('flaky-1')).toBe(1);
    // Sending the same work again while it is done is new work; while it waits it is not.
    expect(
      await jobs.send(flaky, { key: 'later' }, { singletonKey: 'same', startAfter: 60 }),
    ).not.toBeNull();
    expect(
      await jobs.send(flaky, { key: 'later' }, { singletonKey: 'same', startAfter: 60 }),
    ).toBeNull();
  });

  it('moves a job whose retries are spent to its dead letter', async () => {
    const broken = queue('broken', 1);
    let attempts = 0;
    await jobs.work(broken, async () => {
      attempts += 1;
      throw new Error('always fails');
    });
    const id = await jobs.send(broken, { n: 1 });
    jobs.wake(broken);
    await until(async () => (await stateOf(id))[0]?.state === 'failed');
    expect(attempts).toBe(2);
    await until(async () => (await stateOf(null, deadLetterOf(broken))).length === 1);
    expect(await stateOf(null, deadLetterOf(broken))).toEqual([
      { state: 'created', retry_count: 0, name: 'broken.dead' },
    ]);
  });

  it("carries the sending request's id into the job's context", async () => {
    const traced = queue('traced', 0, 'standard');
    const seen: Array<string | undefined> = [];
    await jobs.work(traced, async () => {
      seen.push(cls.get().requestId);
    });
    await cls.run(async () => {
      cls.get().requestId = 'req-from-a-request';
      await jobs.send(traced, { n: 1 });
    });
    const untraced = await jobs.send(traced, { n: 2 });
    jobs.wake(traced);
    await until(async () => seen.length === 2);
    expect(seen).toEqual(expect.arrayContaining(['req-from-a-request', `job:${untraced}`]));
  });
});
