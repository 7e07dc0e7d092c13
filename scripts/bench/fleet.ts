import { prepareDatabase } from '@schoolyard/database';
import { FleetLedger, TenantMigrator } from '@schoolyard/tenancy';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { BENCH_PASSWORD, startBenchServer } from './harness';
import { httpJson } from './http';
import { median, round } from './stats';

const run = promisify(execFile);

export interface FleetOptions {
  databaseUrl: string;
  schools: number;
  rounds: number;
  concurrencies: number[];
}

export interface FleetResult {
  provisioning: { schools: number; p50Ms: number; p95Ms: number; maxMs: number };
  noOpMigrate: { commandSeconds: number; processSeconds: number };
  replayOneSchoolMs: number;
  release: Array<{
    concurrency: number;
    seconds: number[];
    medianSeconds: number;
    msPerSchool: number;
    /** Fleet time over the time to build one new school's tables from nothing. */
    timesReplay: number;
  }>;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Registers schools one after another through the API, timing each registration. */
async function provision(databaseUrl: string, count: number): Promise<number[]> {
  const server = await startBenchServer(databaseUrl);
  try {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const made = await httpJson(server.port, 'POST', '/api/organizations/register', 'localhost', {
        name: `Fleet school ${i}`,
        subdomain: `fleet${i}`,
        owner: {
          firstName: 'Fleet',
          lastName: `Owner${i}`,
          email: `owner${i}@fleet.example`,
          password: BENCH_PASSWORD,
        },
      });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (made.status !== 201) {
        throw new Error(`registration answered ${made.status}: ${JSON.stringify(made.body)}`);
      }
      if ((i + 1) % 100 === 0) process.stderr.write(`  provisioned ${i + 1}/${count}\n`);
    }
    return latencies;
  } finally {
    await server.stop();
  }
}

/** The maintainer's command, as a process of its own; answers its JSON and the wall time. */
async function cli(
  databaseUrl: string,
  program: string[],
): Promise<{ summary: { migrated: string[]; failed: unknown[]; seconds: number }; wall: number }> {
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
  };
  const started = process.hrtime.bigint();
  const { stdout } = await run('node', program, { env, maxBuffer: 256 << 20 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return { summary: JSON.parse(stdout), wall };
}

/** One new school's tables built from nothing: every tenant migration, rolled back after. */
async function replayOneSchool(databaseUrl: string, times: number): Promise<number> {
  const { urls } = await prepareDatabase(databaseUrl);
  const owner = new DataSource({ type: 'postgres', url: urls.ownerUrl });
  await owner.initialize();
  try {
    const migrator = new TenantMigrator(owner, new FleetLedger(owner));
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const runner = owner.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query(`CREATE SCHEMA replay_probe; SET LOCAL search_path = replay_probe`);
        const started = process.hrtime.bigint();
        await migrator.applyPending(runner);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }
    return median(samples);
  } finally {
    await owner.destroy();
  }
}

/**
 * Issue 8's figures: provisioning latency over the fleet, a no-op migrate, and one release
 * (a column and an index) shipped to every school at each concurrency, against building one
 * new school's tables from nothing. Concurrencies run in ABBA order within each round.
 */
export async function measureFleet(options: FleetOptions): Promise<FleetResult> {
  const latencies = await provision(options.databaseUrl, options.schools);
  const dist = join(__dirname, '..', '..');
  const shipped = join(dist, 'apps', 'cli', 'main.js');
  const releaseCli = join(dist, 'scripts', 'fleet', 'release-cli.js');

  const noOps = [];
  for (let i = 0; i < 3; i++) {
    noOps.push(await cli(options.databaseUrl, [shipped, 'tenants', 'migrate', '--json']));
  }
  const replayMs = await replayOneSchool(options.databaseUrl, 15);

  const seconds = new Map<number, number[]>(options.concurrencies.map((c) => [c, []]));
  const columns: string[] = [];
  const timestamp = 1_800_000_000_000;
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? options.concurrencies : [...options.concurrencies].reverse();
    for (const concurrency of order) {
      columns.push(`bench_c${concurrency}_r${round}`);
      const { summary } = await cli(options.databaseUrl, [
        releaseCli,
        columns.join(','),
        String(timestamp),
        'tenants',
        'migrate',
        '--json',
        '--concurrency',
        String(concurrency),
      ]);
      if (summary.failed.length || summary.migrated.length !== options.schools) {
        throw new Error(
          `release at concurrency ${concurrency}: ${summary.migrated.length} migrated, ${summary.failed.length} failed`,
        );
      }
      seconds.get(concurrency)?.push(summary.seconds);
      process.stderr.write(
        `  release ${columns.length} at concurrency ${concurrency}: ${summary.seconds.toFixed(2)} s\n`,
      );
    }
  }

  return {
    provisioning: {
      schools: options.schools,
      p50Ms: round(percentile(latencies, 50), 1),
      p95Ms: round(percentile(latencies, 95), 1),
      maxMs: round(Math.max(...latencies), 1),
    },
    noOpMigrate: {
      commandSeconds: round(median(noOps.map((noOp) => noOp.summary.seconds)), 3),
      processSeconds: round(median(noOps.map((noOp) => noOp.wall)), 2),
    },
    replayOneSchoolMs: round(replayMs, 1),
    release: options.concurrencies.map((concurrency) => {
      const runs = seconds.get(concurrency) ?? [];
      const medianSeconds = median(runs);
      return {
        concurrency,
        seconds: runs.map((value) => round(value, 2)),
        medianSeconds: round(medianSeconds, 2),
        msPerSchool: round((medianSeconds * 1000) / options.schools, 2),
        timesReplay: round((medianSeconds * 1000) / replayMs, 1),
      };
    }),
  };
}
