import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { schemaNameFor } from '@schoolyard/tenancy';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FleetBuilder, type FleetSchool } from './fleet-builder';
import { type FlatnessResult, measureFlatness } from './flatness';
import { measureMigration, type MigrationResult } from './migration';
import { measureProvisioning, type ProvisioningResult } from './provisioning';
import { round } from './stats';

/** Schools built at once: the owner pool's size, and enough to keep both cores busy. */
const BUILD_CONCURRENCY = 4;

export interface FleetOptions {
  databaseUrl: string;
  /** Schools registered through the API and timed. */
  registered: number;
  /** Schools the read workload spreads over (the rest are built in-process). */
  schools: number;
  /** Schools the release is shipped to (the fleet's size at that moment). */
  migrationSchools: number;
  migrationRounds: number;
  concurrencies: number[];
  rounds: number;
  durationSeconds: number;
  connections: number;
}

export interface FleetResult {
  provisioning: ProvisioningResult;
  buildSeconds: number;
  migration: MigrationResult;
  flatness: FlatnessResult;
}

/**
 * One database for the fleet figures, grown in steps: schools registered through the API
 * (provisioning latency), topped up in-process to the release's size (fleet migration), then
 * to the read workload's size (fleet flatness). Every school has its full schema and 50
 * students.
 */
export async function measureFleet(options: FleetOptions): Promise<FleetResult> {
  if (options.registered > options.migrationSchools || options.migrationSchools > options.schools)
    throw new Error('needs registered <= migration schools <= fleet schools');
  const phase = (name: string, since: number) =>
    process.stderr.write(`  ${name}: ${round((performance.now() - since) / 1000, 0)} s\n`);
  let since = performance.now();
  const provisioning = await measureProvisioning(options.databaseUrl, options.registered, 'reg');
  phase(`registered ${options.registered} schools`, since);

  const jwtSecret = randomBytes(32).toString('base64url');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_SECRET: jwtSecret,
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    // Production mode refuses eSewa's public test secret unless told; the fleet makes no payment.
    ESEWA_ALLOW_TEST_SECRET: 'true',
  });
  const { urls } = await prepareDatabase(options.databaseUrl);
  const builder = await FleetBuilder.open(config, urls);
  let migration: MigrationResult;
  let schools: FleetSchool[];
  const started = performance.now();
  let buildSeconds = 0;
  let built = options.registered;
  const grow = async (to: number) => {
    const begun = performance.now();
    await builder.build('fleet', built, to, BUILD_CONCURRENCY);
    built = to;
    buildSeconds += (performance.now() - begun) / 1000;
  };
  try {
    await builder.addStudentsTo(
      Array.from({ length: options.registered }, (_, i) => schemaNameFor(`reg${i}`)),
    );
    await grow(options.migrationSchools);
    since = performance.now();
    migration = await measureMigration({
      databaseUrl: options.databaseUrl,
      schools: options.migrationSchools,
      rounds: options.migrationRounds,
      concurrencies: options.concurrencies,
    });
    phase('fleet migration', since);
    await grow(options.schools);
    schools = [...(await builder.ownerTokens('reg')), ...(await builder.ownerTokens('fleet'))];
  } finally {
    await builder.close();
  }
  phase(`fleet of ${schools.length} built (${round(buildSeconds, 0)} s building)`, started);
  since = performance.now();
  const flatness = await measureFlatness(schools, {
    databaseUrl: options.databaseUrl,
    jwtSecret,
    rounds: options.rounds,
    durationSeconds: options.durationSeconds,
    connections: options.connections,
  });
  phase('fleet flatness', since);
  return { provisioning, buildSeconds: round(buildSeconds, 1), migration, flatness };
}
