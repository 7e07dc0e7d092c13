import { createThrowawayDatabase } from '@schoolyard/database';
import { mkdir, writeFile } from 'node:fs/promises';
import { measureTenantOverhead } from './tenant-overhead';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} needs a positive whole number`);
  return value;
}

/** `npm run bench`: runs on a throw-away database (embedded, or fresh on DATABASE_URL's server). */
async function main(): Promise<void> {
  const options = {
    schools: flag('schools', 50),
    rounds: flag('rounds', 5),
    durationSeconds: flag('duration', 5),
    connections: flag('connections', 32),
  };
  const database = await createThrowawayDatabase(
    'bench',
    process.env.DATABASE_URL?.trim() || undefined,
  );
  try {
    process.stdout.write(
      `Tenant read overhead: ${options.schools} schools, ${options.rounds} rounds of ${options.durationSeconds} s per arm, ${options.connections} connections\n`,
    );
    const result = await measureTenantOverhead({ ...options, databaseUrl: database.url });
    const rows = [
      ['', 'req/s (median)', 'p99 ms (median)', 'round trips / read'],
      [
        'with tenant transaction',
        result.median.tenant.requestsPerSecond,
        result.median.tenant.p99Ms,
        result.roundTripsPerRead.tenant,
      ],
      [
        'tenancy bypassed',
        result.median.bare.requestsPerSecond,
        result.median.bare.p99Ms,
        result.roundTripsPerRead.bare,
      ],
    ];
    for (const row of rows)
      process.stdout.write(`${row.map((cell) => String(cell).padEnd(26)).join('')}\n`);
    process.stdout.write(`median ratio of the rounds (tenant / bypassed): ${result.medianRatio}\n`);
    await mkdir('bench-results', { recursive: true });
    const file = `bench-results/tenant-overhead-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    await writeFile(file, `${JSON.stringify({ options, ...result }, null, 2)}\n`);
    process.stdout.write(`written to ${file}\n`);
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
