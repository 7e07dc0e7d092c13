import { createThrowawayDatabase } from '@schoolyard/database';
import { comparisonTable, table } from './abba';
import { mkdir, writeFile } from 'node:fs/promises';
import { measureFleet } from './fleet';
import { measureLogins } from './logins';
import { measureNoisyNeighbour } from './noisy-neighbour';
import { measurePermissionChecks, PERMISSION_ARMS } from './permissions';
import { measureTenantOverhead, OVERHEAD_ARMS } from './tenant-overhead';

const BENCHMARKS = [
  'tenant-overhead',
  'permissions',
  'logins',
  'fleet',
  'noisy-neighbour',
] as const;
type Benchmark = (typeof BENCHMARKS)[number];

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} needs a positive whole number`);
  return value;
}

function chosen(): Benchmark[] {
  const named = process.argv
    .slice(2)
    .filter((arg) => (BENCHMARKS as readonly string[]).includes(arg));
  return named.length ? (named as Benchmark[]) : [...BENCHMARKS];
}

/** `npm run bench [tenant-overhead] [permissions] [logins] [fleet] [noisy-neighbour]`: each on a throw-away database. */
async function main(): Promise<void> {
  const rounds = flag('rounds', 5);
  const durationSeconds = flag('duration', 5);
  const results: Record<string, unknown> = {};
  for (const benchmark of chosen()) {
    const database = await createThrowawayDatabase(
      'bench',
      process.env.DATABASE_URL?.trim() || undefined,
    );
    try {
      if (benchmark === 'tenant-overhead') {
        const options = {
          schools: flag('schools', 50),
          rounds,
          durationSeconds,
          connections: flag('connections', 32),
        };
        process.stdout.write(
          `\nTenant read overhead (${options.schools} schools, ${rounds} rounds of ${durationSeconds} s per arm)\n`,
        );
        const result = await measureTenantOverhead({ ...options, databaseUrl: database.url });
        process.stdout.write(
          comparisonTable(
            result,
            OVERHEAD_ARMS,
            { tenant: 'with tenant transaction', bare: 'tenancy bypassed' },
            result.roundTripsPerRead,
          ),
        );
        results[benchmark] = { options, ...result };
      } else if (benchmark === 'permissions') {
        const options = {
          schools: flag('schools', 50),
          rounds,
          durationSeconds,
          connections: flag('connections', 32),
        };
        process.stdout.write(
          `\nPermission checks (${options.schools} schools, ${rounds} rounds of ${durationSeconds} s per arm)\n`,
        );
        const result = await measurePermissionChecks({ ...options, databaseUrl: database.url });
        process.stdout.write(
          comparisonTable(
            result,
            PERMISSION_ARMS,
            { uncached: 'looked up every request', cached: 'grants cached per school' },
            result.roundTripsPerRequest,
          ),
        );
        results[benchmark] = { options, ...result };
      } else if (benchmark === 'fleet') {
        const options = {
          schools: flag('fleet-schools', 1000),
          rounds: flag('fleet-rounds', 2),
          concurrencies: [1, 2, 4, 8],
        };
        process.stdout.write(
          `\nFleet (${options.schools} schools; a release = one column + one index, ${options.rounds} rounds per concurrency)\n`,
        );
        const result = await measureFleet({ ...options, databaseUrl: database.url });
        process.stdout.write(
          table([
            [
              'provisioning p50 ms',
              'p95 ms',
              'max ms',
              'no-op migrate s (process s)',
              'replay 1 school ms',
            ],
            [
              result.provisioning.p50Ms,
              result.provisioning.p95Ms,
              result.provisioning.maxMs,
              `${result.noOpMigrate.commandSeconds} (${result.noOpMigrate.processSeconds})`,
              result.replayOneSchoolMs,
            ],
          ]) +
            table([
              [
                'concurrency',
                'release to fleet s (median)',
                'ms per school',
                'x one-school replay',
              ],
              ...result.release.map((row) => [
                row.concurrency,
                row.medianSeconds,
                row.msPerSchool,
                row.timesReplay,
              ]),
            ]),
        );
        results[benchmark] = { options, ...result };
      } else if (benchmark === 'noisy-neighbour') {
        const options = {
          rounds,
          durationSeconds,
          floodConnections: flag('flood-connections', 32),
        };
        process.stdout.write(
          `\nNoisy neighbour (school A floods with ${options.floodConnections} connections; school B reads with 4; ${rounds} rounds of ${durationSeconds} s)\n`,
        );
        const result = await measureNoisyNeighbour({ ...options, databaseUrl: database.url });
        process.stdout.write(
          table([
            [
              'B p99 quiet ms',
              'B p99 during flood ms',
              'ratio (promise: <= 1.5)',
              'flood refused 429',
            ],
            [
              result.medianQuietP99Ms,
              result.medianDuringFloodP99Ms,
              result.medianP99Ratio,
              result.medianFloodRefusedShare,
            ],
          ]),
        );
        results[benchmark] = { options, ...result };
      } else {
        const options = { rounds, durationSeconds, concurrency: flag('concurrency', 16) };
        process.stdout.write(
          `\nSign-ins (${options.concurrency} at once, ${rounds} rounds of ${durationSeconds} s)\n`,
        );
        const result = await measureLogins({ ...options, databaseUrl: database.url });
        process.stdout.write(
          table([
            [
              'argon2 verifications/s',
              'sign-ins/s',
              'read p99 quiet ms',
              'read p99 during sign-ins ms',
            ],
            [
              result.median.argon2VerificationsPerSecond,
              result.median.loginsPerSecond,
              result.median.schoolReadP99QuietMs,
              result.median.schoolReadP99DuringLoginsMs,
            ],
          ]) +
            `median ratios: sign-ins / argon2 ${result.medianLoginToArgon2Ratio}, read p99 busy / quiet ${result.medianP99Ratio}\n`,
        );
        results[benchmark] = { options, ...result };
      }
    } finally {
      await database.drop();
    }
  }
  await mkdir('bench-results', { recursive: true });
  const file = `bench-results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
