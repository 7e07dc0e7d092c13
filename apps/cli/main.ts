import 'reflect-metadata';
import { ConfigError, loadConfig } from '@schoolyard/config';
import { openDatabase, prepareDatabase } from '@schoolyard/database';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const prepared = await prepareDatabase(database.ownerUrl, config.apiDatabaseUrl);
    await CommandFactory.run(CliModule.forRoot(config, prepared.urls, prepared.appliedPublic), {
      logger: ['error', 'warn'],
      errorHandler: (error) => {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
      },
    });
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `${error instanceof Error ? error.stack : error}\n`,
  );
  process.exit(1);
});
