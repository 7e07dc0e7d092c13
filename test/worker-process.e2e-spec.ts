import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { Jobs } from '@schoolyard/jobs';
import { probeQueue } from '../scripts/jobs/probe-queue';
import { buildCli, builtEnv, exited } from './support/cli';
import { testDatabaseUrl, withOwnerClient } from './support/test-app';

/*
 * Workers as processes of their own (the built probe worker, scripts/jobs): one killed with
 * SIGKILL mid-job, one stopped with SIGTERM mid-job. The effect of a job is a row written in the
 * job's transaction; it must exist once whatever happened to the worker.
 */
describe('worker processes', () => {
  const schema = `jobs_${randomBytes(4).toString('hex')}`;
  const effects = `${schema}_effects`;
  const children: ChildProcess[] = [];
  let sender: Jobs;

  /** A probe worker; resolves once its queue is worked, with its output so far. */
  const startWorker = async (mode: 'hang' | 'slow' | 'quick') => {
    const child = spawn('node', ['dist/scripts/jobs/probe-worker.js'], {
      cwd: process.cwd(),
      env: builtEnv({
        JOBS_SCHEMA: schema,
        // Maintenance hands a dead worker's job back; every second rather than every minute.
        JOBS_MAINTENANCE_INTERVAL_SECONDS: '1',
        PROBE_TABLE: `${effects}.done`,
        PROBE_MODE: mode,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const output = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    await until(
      async () => output.text.includes('ready'),
      30_000,
      () => output.text,
    );
    return { child, output };
  };

  const until = async (check: () => Promise<boolean>, ms = 30_000, why = () => '') => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out ${why()}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  const effectsOf = (key: string) =>
    withOwnerClient(async (db) => {
      const rows = await db.query<{ job_id: string }>(
        `SELECT job_id FROM ${effects}.done WHERE key = $1`,
        [key],
      );
      return rows.rows.map((row) => row.job_id);
    });

  const jobOf = (id: string | null) =>
    withOwnerClient(async (db) => {
      const rows = await db.query<{ state: string; retry_count: number }>(
        `SELECT state, retry_count FROM ${schema}.job WHERE id = $1`,
        [id],
      );
      return rows.rows[0];
    });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await buildCli();
    await withOwnerClient((db) =>
      db.query(
        `CREATE SCHEMA ${effects}; CREATE TABLE ${effects}.done (key text NOT NULL, job_id uuid NOT NULL)`,
      ),
    );
    const { urls } = await prepareDatabase(testDatabaseUrl(), undefined);
    // Sends only: the probe processes are the workers.
    sender = new Jobs(
      loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: testDatabaseUrl(),
        JOBS_SCHEMA: schema,
        JOBS_WORKER: 'false',
      }),
      urls,
    );
    await sender.start();
  }, 180_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await sender?.stop();
    await withOwnerClient((db) =>
      db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${effects} CASCADE`),
    );
  });

  it('hands the job of a worker killed mid-job to another, and its effect happens once', async () => {
    const doomed = await startWorker('hang');
    const id = await sender.send(probeQueue, { key: 'killed' }, { singletonKey: 'killed' });
    await until(async () => doomed.output.text.includes(`began ${id}`));
    // The effect is written but not committed when the worker dies.
    doomed.child.kill('SIGKILL');
    await exited(doomed.child);
    expect(await effectsOf('killed')).toEqual([]);

    const survivor = await startWorker('quick');
    await until(
      async () => (await jobOf(id))?.state === 'completed',
      30_000,
      () => survivor.output.text,
    );
    expect(survivor.output.text).toContain(`done ${id}`);
    expect(await jobOf(id)).toEqual({ state: 'completed', retry_count: 1 });
    expect(await effectsOf('killed')).toEqual([id]);
    survivor.child.kill('SIGTERM');
    await exited(survivor.child);
  });

  it('lets a job in flight finish when its worker is told to stop (SIGTERM)', async () => {
    const worker = await startWorker('slow');
    const id = await sender.send(probeQueue, { key: 'stopped' }, { singletonKey: 'stopped' });
    await until(async () => worker.output.text.includes(`began ${id}`));
    worker.child.kill('SIGTERM');
    await exited(worker.child);
    expect(worker.child.exitCode).toBe(0);
    expect(worker.output.text).toContain(`done ${id}`);
    expect(await jobOf(id)).toEqual({ state: 'completed', retry_count: 0 });
    expect(await effectsOf('stopped')).toEqual([id]);
  });

  it('runs the shipped worker (npm run worker) until SIGTERM, and refuses JOBS_WORKER=false', async () => {
    const refused = spawn('node', ['dist/apps/worker/main.js'], {
      cwd: process.cwd(),
      env: builtEnv({ JOBS_SCHEMA: schema, JOBS_WORKER: 'false' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(refused);
    let refusal = '';
    refused.stderr?.on('data', (chunk: Buffer) => (refusal += chunk.toString()));
    await exited(refused);
    expect(refused.exitCode).toBe(1);
    expect(refusal).toMatch(/JOBS_WORKER is false, but this process exists to work jobs/);

    const worker = spawn('node', ['dist/apps/worker/main.js'], {
      cwd: process.cwd(),
      env: builtEnv({ JOBS_SCHEMA: schema }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(worker);
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(
      async () => output.includes('is working jobs'),
      60_000,
      () => output,
    );
    // Its queues exist in the schema it was given, each with its dead letter.
    const queues = await withOwnerClient((db) =>
      db.query<{ name: string }>(`SELECT name FROM ${schema}.queue ORDER BY name`),
    );
    expect(queues.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([
        'accounts.cascade',
        'accounts.cascade.dead',
        'mail.deliver',
        'mail.deliver.dead',
        'payments.recheck',
        'payments.recheck-sweep',
        'fleet.suspend-unverified',
        'attendance.alerts',
        'attendance.alerts.dead',
        'attendance.alerts-sweep',
        'exams.report-card-batches',
        'exams.report-card-batches.dead',
        'communication.announcements',
        'communication.announcements-sweep',
        'communication.deliveries',
        'communication.deliveries-sweep',
        'audit.retention',
        'imports.run',
        'imports.run.dead',
      ]),
    );
    worker.kill('SIGTERM');
    await exited(worker);
    expect(worker.exitCode).toBe(0);
  });
});
