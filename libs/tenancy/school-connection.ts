import { type RequestPool } from '@schoolyard/database';
import { type PoolClient } from 'pg';
import { type QueryRunner } from 'typeorm';
import { type School } from './school';

/**
 * The affinity key of a school's transactions: its schema, whose catalog entries (and its
 * role's) a backend caches once it has served it. Platform work runs in the public schema,
 * which every backend has cached already: it goes to any connection and counts for none.
 */
export function affinityKeyOf(school: School): string | undefined {
  return school.schemaName === 'public' ? undefined : school.schemaName;
}

/**
 * What TypeORM's PostgresQueryRunner keeps of its connection. Its `connect()` answers the
 * `databaseConnection` it holds without asking the pool, and `release` (or an `error` on the
 * connection) calls `releaseCallback`; `driver.connectedQueryRunners` is what the DataSource
 * releases on close. school-connection.spec.ts checks all of it against the TypeORM we ship.
 */
interface PostgresRunnerInternals {
  databaseConnection: PoolClient | undefined;
  releaseCallback: ((error?: Error) => void) | undefined;
  releasePostgresConnection(error?: Error): Promise<void>;
  driver: { connectedQueryRunners: QueryRunner[] };
}

/**
 * Gives a fresh query runner `client` as its connection, exactly as its own `connect()` would
 * from the pool: released with the runner (destroyed when released with an error), and
 * released at once, with the error, when the connection breaks.
 */
export function adoptConnection(runner: QueryRunner, client: PoolClient): void {
  const internals = runner as unknown as PostgresRunnerInternals;
  if (internals.databaseConnection) throw new Error('The query runner is already connected');
  const onError = (error: Error) => void internals.releasePostgresConnection(error);
  internals.databaseConnection = client;
  internals.releaseCallback = (error?: Error) => {
    client.removeListener('error', onError);
    client.release(error);
  };
  client.on('error', onError);
  internals.driver.connectedQueryRunners.push(runner);
}

/** Connects `runner` to a request-pool connection chosen for `school` (see AffinityPool). */
export async function connectForSchool(
  runner: QueryRunner,
  pool: RequestPool,
  school: School,
): Promise<PoolClient> {
  const client = await pool.acquire(affinityKeyOf(school));
  adoptConnection(runner, client);
  return client;
}
