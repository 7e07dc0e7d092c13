import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { Jobs, type JobQueue } from '@schoolyard/jobs';
import { randomBytes } from 'node:crypto';
import { testDatabaseUrl, withOwnerClient } from './support/test-app';

const queue = (name: string): JobQueue => ({
  name,
  policy: 'short',
  expireInSeconds: 60,
  retryLimit: 2,
  retryDelay: 1,
  retryBackoff: false,
});

/*
 * The test run, and a rolling deploy, start many processes at once on one database: each
 * installs pg-boss's schema if it is missing and creates the queues it uses.
 */
describe('the job runner', () => {
  const schema = `jobs_${randomBytes(4).toString('hex')}`;
  const started: Jobs[] = [];

  afterAll(async () => {
    await Promise.all(started.map((jobs) => jobs.stop()));
    await withOwnerClient((db) => db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });

  it('starts in many processes at once on a new schema, and they share its queues', async () => {
    const { urls } = await prepareDatabase(testDatabaseUrl(), undefined);
    const runners = Array.from(
      { length: 8 },
      (_, i) =>
        new Jobs(
          loadConfig({
            NODE_ENV: 'test',
            DATABASE_URL: testDatabaseUrl(),
            JOBS_SCHEMA: schema,
            // One worker is enough to see a job cross processes.
            JOBS_WORKER: i === 0 ? 'true' : 'false',
          }),
          urls,
        ),
    );
    started.push(...runners);
    await Promise.all(
      runners.map(async (jobs) => {
        await jobs.start();
        await Promise.all([jobs.defineQueue(queue('first')), jobs.defineQueue(queue('second'))]);
      }),
    );

    const received = new Promise<{ n: number }>((resolve) => {
      void runners[0].work<{ n: number }>(queue('second'), async (data) => resolve(data));
    });
    await runners[7].send(queue('second'), { n: 7 });
    await expect(received).resolves.toEqual({ n: 7 });

    const queues = await withOwnerClient((db) =>
      db.query<{ name: string }>(`SELECT name FROM ${schema}.queue ORDER BY name`),
    );
    // Each queue has its dead letter, made with it, once.
    expect(queues.rows.map((row) => row.name)).toEqual([
      'first',
      'first.dead',
      'second',
      'second.dead',
    ]);
  });

  it('sends only to a queue once, by singleton key, while a job waits', async () => {
    const [jobs] = started;
    const waiting = queue('singletons');
    expect(await jobs.send(waiting, { n: 1 }, { singletonKey: 'k' })).not.toBeNull();
    expect(await jobs.send(waiting, { n: 2 }, { singletonKey: 'k' })).toBeNull();
  });

  it('lets a job in flight finish when it stops', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: testDatabaseUrl(),
      JOBS_SCHEMA: schema,
    });
    const { urls } = await prepareDatabase(testDatabaseUrl(), undefined);
    const jobs = new Jobs(config, urls);
    started.push(jobs);
    const slow = queue('slow');
    let began!: () => void;
    const running = new Promise<void>((resolve) => (began = resolve));
    let finished = false;
    await jobs.work(slow, async () => {
      began();
      await new Promise((done) => setTimeout(done, 1500));
      finished = true;
    });
    const id = await jobs.send(slow, {});
    jobs.wake(slow);
    await running;
    await jobs.stop();
    expect(finished).toBe(true);
    const state = await withOwnerClient((db) =>
      db.query<{ state: string }>(`SELECT state FROM ${schema}.job WHERE id = $1`, [id]),
    );
    expect(state.rows[0].state).toBe('completed');
  });
});
