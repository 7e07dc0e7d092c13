import 'reflect-metadata';
import { ConfigError, loadConfig } from '@schoolyard/config';
import { openDatabase, prepareDatabase } from '@schoolyard/database';
import { runCli } from './cli';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const prepared = await prepareDatabase(database.ownerUrl, config.apiDatabaseUrl);
    process.exitCode = await runCli(process.argv.slice(2), {
      config,
      urls: prepared.urls,
      appliedPublic: prepared.appliedPublic,
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
