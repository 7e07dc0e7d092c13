import { createThrowawayDatabase } from '@schoolyard/database';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { measureAnnouncements } from './announcements';
import { measureAudit } from './audit';
import { measureBackup } from './backup';
import { measureAttendance } from './attendance';
import { measureDeliveries } from './deliveries';
import { measureBuilds } from './builds';
import { measureCeiling } from './ceiling';
import { measureExams } from './exams';
import { measureFees } from './fees';
import { measureFleet } from './fleet';
import { measureInstances } from './instances';
import { measureImports } from './imports';
import { measureIsolation } from './isolation';
import { measureLogins } from './logins';
import { measureNoisyNeighbour } from './noisy-neighbour';
import { measurePermissionChecks } from './permissions';
import { compareOwnerRecycling } from './provisioning';
import { type BenchResults, markdownTable, summaryRows } from './report';
import { benchSettings, BENCHMARKS, type Benchmark, chosenBenchmarks } from './settings';

async function runOne(
  benchmark: Benchmark,
  databaseUrl: string,
  results: BenchResults,
  settings: ReturnType<typeof benchSettings>,
): Promise<void> {
  const common = {
    databaseUrl,
    rounds: settings.rounds,
    durationSeconds: settings.durationSeconds,
    connections: settings.connections,
  };
  if (benchmark === 'isolation') results.isolation = await measureIsolation(common);
  else if (benchmark === 'ceiling') results.ceiling = await measureCeiling(common);
  else if (benchmark === 'permissions')
    results.permissions = await measurePermissionChecks({ ...common, schools: 20 });
  else if (benchmark === 'noisy-neighbour')
    results.noisyNeighbour = await measureNoisyNeighbour({
      ...common,
      floodConnections: settings.floodConnections,
    });
  else if (benchmark === 'provisioning')
    results.provisioning = await compareOwnerRecycling(databaseUrl, settings.registered);
  else if (benchmark === 'builds') {
    if (!settings.against) throw new Error('builds needs --against <checkout>');
    results.builds = await measureBuilds({ ...common, against: settings.against });
  } else if (benchmark === 'instances')
    results.instances = await measureInstances({
      ...common,
      // Read here only: the URL may hold a password, and settings are written to the JSON.
      redisUrl: process.env.BENCH_REDIS_URL?.trim() || undefined,
    });
  else if (benchmark === 'attendance')
    Object.assign(results, { attendance: await measureAttendance({ ...common, samples: 200 }) });
  else if (benchmark === 'exams')
    Object.assign(results, {
      exams: await measureExams({ ...common, publishRounds: 20, samples: 200 }),
    });
  else if (benchmark === 'fees')
    Object.assign(results, { fees: await measureFees({ ...common, samples: 50 }) });
  else if (benchmark === 'announcements')
    Object.assign(results, {
      announcements: await measureAnnouncements({ ...common, samples: 20 }),
    });
  else if (benchmark === 'deliveries')
    Object.assign(results, {
      deliveries: await measureDeliveries({ ...common, deliveryRounds: 3 }),
    });
  else if (benchmark === 'audit') Object.assign(results, { audit: await measureAudit(common) });
  else if (benchmark === 'backup')
    Object.assign(results, {
      backup: await measureBackup({
        databaseUrl,
        rounds: 3,
        fleetSchools: settings.fleetSchools,
        students: settings.students,
      }),
    });
  else if (benchmark === 'imports')
    Object.assign(results, { imports: await measureImports({ ...common, rounds: 3 }) });
  else if (benchmark === 'logins')
    results.logins = await measureLogins({ ...common, concurrency: settings.loginConcurrency });
  else
    results.fleet = await measureFleet({
      ...common,
      registered: settings.registered,
      schools: settings.fleetSchools,
      migrationSchools: settings.migrationSchools,
      migrationRounds: settings.migrationRounds,
      concurrencies: settings.migrationConcurrencies,
    });
}

/**
 * `npm run bench [-- --full] [isolation] [ceiling] [fleet] [provisioning] [logins] [permissions] [noisy-neighbour] [instances]`
 * or `npm run bench -- builds --against <checkout>`: each
 * benchmark on a throw-away database of its own, a table at the end and the JSON beside it.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const settings = benchSettings(argv);
  const benchmarks = chosenBenchmarks(argv);
  const startedAt = new Date();
  const results: BenchResults = {};
  for (const benchmark of benchmarks) {
    const started = Date.now();
    process.stderr.write(`${benchmark}...\n`);
    const database = await createThrowawayDatabase(
      'bench',
      process.env.DATABASE_URL?.trim() || undefined,
    );
    try {
      await runOne(benchmark, database.url, results, settings);
    } finally {
      await database.drop();
    }
    process.stderr.write(`${benchmark} took ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  const rows = summaryRows(results);
  const table = markdownTable(rows);
  process.stdout.write(`\n${table}`);
  await mkdir('bench-results', { recursive: true });
  const file = `bench-results/bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  const machine = { cores: availableParallelism(), node: process.version };
  await writeFile(
    file,
    `${JSON.stringify({ startedAt, settings, machine, summary: rows, results }, null, 2)}\n`,
  );
  process.stdout.write(
    `\nRatios are measured side by side in one run; absolute figures move with the machine's load.\nwritten to ${file} (${BENCHMARKS.filter((b) => benchmarks.includes(b)).join(', ')})\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
