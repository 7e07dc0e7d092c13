import 'reflect-metadata';
import { ConfigError, loadConfig } from '@schoolyard/config';
import { openDatabase, prepareDatabase } from '@schoolyard/database';
import { Passwords, seedPlatformAdmin } from '@schoolyard/identity';
import { TenantMigrator } from '@schoolyard/fleet';
import { createHttpApp } from './http-app';
import { stopOnSignals } from './shutdown';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const { urls } = await prepareDatabase(database.ownerUrl, config.apiDatabaseUrl);
  if (config.auth.superuser) {
    const outcome = await seedPlatformAdmin(
      urls.ownerUrl,
      new Passwords(config),
      config.auth.superuser,
    );
    process.stdout.write(`Platform admin ${config.auth.superuser.email}: ${outcome}\n`);
  }
  const app = await createHttpApp(config, urls);
  if (config.environment !== 'production') {
    // Outside production, schools made by an older build catch up on start. In production the
    // maintainer runs `tenants migrate`, with its progress, summary and exit code.
    const fleet = await app.get(TenantMigrator).migrateFleet({
      concurrency: 2,
      actor: 'api:start-up',
    });
    if (fleet.migrated.length || fleet.failed.length) {
      process.stdout.write(
        `Tenant migrations: ${fleet.migrated.length} schools brought up to date, ${fleet.failed.length} failed` +
          fleet.failed.map((school) => `\n  ${school.slug}: ${school.error}`).join('') +
          '\n',
      );
    }
  }
  await app.listen({ port: config.port, host: config.listenHost });

  const where = `http://${config.baseDomain}:${config.port}`;
  process.stdout.write(
    `Schoolyard is listening on ${where} (API docs at ${where}/docs)` +
      (database.embedded ? `, on the embedded PostgreSQL in ${config.embeddedDataDir}\n` : '\n'),
  );

  if (config.auth.jwtSecretGenerated) {
    process.stdout.write('JWT_SECRET is unset: sign-ins last until this process stops.\n');
  }

  stopOnSignals('requests', app, database);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Schoolyard could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
