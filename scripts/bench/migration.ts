import { OwnerConnections, prepareDatabase } from '@schoolyard/database';
import { FleetLedger, TenantMigrator } from '@schoolyard/fleet';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { median, round } from './stats';
import { FleetLedgerStore } from '../../libs/fleet/fleet-ledger.store';
import { SchoolRegistryStore } from '../../libs/fleet/school-registry.store';
import { SchoolSchemaStore } from '../../libs/fleet/school-schema.store';

const run = promisify(execFile);

export interface MigrationOptions {
  databaseUrl: string;
  schools: number;
  rounds: number;
  concurrencies: number[];
}

export interface ReleaseTiming {
  concurrency: number;
  seconds: number[];
  medianSeconds: number;
  msPerSchool: number;
  /** Fleet time over the time to build one new school's tables from nothing. */
  timesReplay: number;
}

export interface MigrationResult {
  schools: number;
  noOpMigrate: { commandSeconds: number; processSeconds: number };
  replayOneSchoolMs: number;
  release: ReleaseTiming[];
  /** The concurrency with the shortest median wall time. */
  best: ReleaseTiming;
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
    ESEWA_ALLOW_TEST_SECRET: 'true',
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
    const migrator = new TenantMigrator(
      owner,
      new FleetLedger(new FleetLedgerStore(owner)),
      new OwnerConnections(1),
      new SchoolRegistryStore(owner),
      new SchoolSchemaStore(),
    );
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
 * A no-op migrate, then one release (a column and an index on `students`) shipped to every
 * school at each concurrency, against building one new school's tables from nothing.
 * Concurrencies run in ABBA order within each round.
 */
export async function measureMigration(options: MigrationOptions): Promise<MigrationResult> {
  const dist = join(__dirname, '..', '..');
  const shipped = join(dist, 'apps', 'cli', 'main.js');
  const releaseCli = join(dist, 'scripts', 'fleet', 'release-cli.js');

  const noOps = [];
  for (let i = 0; i < 2; i++) {
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

  const release = options.concurrencies.map((concurrency) => {
    const runs = seconds.get(concurrency) ?? [];
    const medianSeconds = median(runs);
    return {
      concurrency,
      seconds: runs.map((value) => round(value, 2)),
      medianSeconds: round(medianSeconds, 2),
      msPerSchool: round((medianSeconds * 1000) / options.schools, 2),
      timesReplay: round((medianSeconds * 1000) / replayMs, 1),
    };
  });
  return {
    schools: options.schools,
    noOpMigrate: {
      commandSeconds: round(median(noOps.map((noOp) => noOp.summary.seconds)), 3),
      processSeconds: round(median(noOps.map((noOp) => noOp.wall)), 2),
    },
    replayOneSchoolMs: round(replayMs, 1),
    release,
    best: release.reduce((best, row) => (row.medianSeconds < best.medianSeconds ? row : best)),
  };
}
