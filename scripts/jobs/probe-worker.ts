import 'reflect-metadata';
import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { Jobs } from '@schoolyard/jobs';
import { Client } from 'pg';
import { probeQueue } from './probe-queue';

/**
 * A worker process for the tests of test/worker-process.e2e-spec.ts: it works one queue whose
 * job writes a row (its effect) in a transaction of its own, and is killed or stopped mid-job.
 * The shipped worker (apps/worker) has no such queue.
 *
 *   PROBE_TABLE=<schema.table> PROBE_MODE=hang|slow|quick node dist/scripts/jobs/probe-worker.js
 *
 * `hang` writes the effect and never commits (the test kills the process there), `slow`
 * commits after two seconds (the test stops the process meanwhile), `quick` commits at once.
 * It prints `began <job id>` and `done <job id>` on standard output.
 */
const TABLE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

async function main(): Promise<void> {
  const table = process.env.PROBE_TABLE ?? '';
  const mode = process.env.PROBE_MODE ?? 'quick';
  if (!TABLE.test(table)) throw new Error('PROBE_TABLE must be schema.table');
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL must name the test database');
  const { urls } = await prepareDatabase(config.databaseUrl, config.apiDatabaseUrl);
  const jobs = new Jobs(config, urls);
  await jobs.start();
  await jobs.work<{ key: string }>(probeQueue, async ({ key }, job) => {
    const db = new Client({ connectionString: urls.ownerUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query(`INSERT INTO ${table} (key, job_id) VALUES ($1, $2)`, [key, job.id]);
      process.stdout.write(`began ${job.id}\n`);
      if (mode === 'hang') await new Promise(() => undefined);
      if (mode === 'slow') await new Promise((done) => setTimeout(done, 2000));
      await db.query('COMMIT');
      process.stdout.write(`done ${job.id}\n`);
    } finally {
      await db.end();
    }
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void jobs.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
