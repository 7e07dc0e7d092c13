import 'reflect-metadata';
import { loadConfig } from '@schoolyard/config';
import { openDatabase, prepareDatabase } from '@schoolyard/database';
import { runCli } from '../../apps/cli/cli';
import { withReleaseMigrations } from './release-migration';

/**
 * The maintainer CLI as it would be after a release that adds a column: the fleet tests and
 * the fleet-migration benchmark run it to ship a real schema change without editing the real
 * migration list. The shipped CLI (apps/cli) has no switch for this.
 *
 *   node dist/scripts/fleet/release-cli.js <column,column...> <timestamp> tenants migrate ...
 */
async function main(): Promise<void> {
  const [columns, timestamp, ...argv] = process.argv.slice(2);
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const prepared = await prepareDatabase(database.ownerUrl, config.apiDatabaseUrl);
    process.exitCode = await runCli(argv, {
      config,
      urls: prepared.urls,
      appliedPublic: prepared.appliedPublic,
      tenantMigrations: withReleaseMigrations(columns.split(','), Number(timestamp)),
    });
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
