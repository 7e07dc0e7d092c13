import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@schoolyard/config';
import { openDatabase, prepareDatabase } from '@schoolyard/database';
import { createLogger, PinoNestLogger } from '../api/logging';
import { WorkerModule } from './worker.module';
import { stopOnSignals } from '../api/shutdown';

/**
 * `npm run worker`: works background jobs in a process of its own, for deployments that keep
 * them off the API instances (which then run with JOBS_WORKER=false). SIGTERM stops taking
 * jobs, lets those in flight finish for up to JOBS_STOP_TIMEOUT_SECONDS and hands back the
 * rest, which another worker retries.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.jobs.worker) {
    // Said rather than ignored: an environment copied from an API instance would otherwise
    // start a process that does nothing.
    throw new ConfigError('JOBS_WORKER', 'is false, but this process exists to work jobs');
  }
  const database = await openDatabase(config);
  const { urls } = await prepareDatabase(database.ownerUrl, config.apiDatabaseUrl);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, urls), {
    logger: new PinoNestLogger(createLogger(config)),
    abortOnError: false,
  });
  await app.init();
  process.stdout.write(`Schoolyard worker ${process.pid} is working jobs\n`);

  stopOnSignals('jobs', app, database);
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `The worker could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
