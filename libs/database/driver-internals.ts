import { Client, type PoolClient } from 'pg';
import { type QueryRunner } from 'typeorm';

/*
 * Every use of node-postgres's and TypeORM's private internals, in one place. The request
 * path needs a few things neither library offers publicly: write a transaction's opening,
 * statement and COMMIT in one system call, let a TypeORM query runner use a connection the
 * AffinityPool chose, and tell TypeORM that a transaction we began is open. Each function
 * below names the internal it relies on; driver-internals.spec.ts pins each one against the
 * pg and TypeORM versions in the lockfile, so an upgrade that moves one fails a unit test in
 * seconds, not a request in production.
 */

type QueryArguments = unknown[];
type Query = (this: PoolClient, ...args: QueryArguments) => Promise<unknown>;

/** pg: Client.query is a prototype method, so an own property can stand in for it. */
interface ClientWithOwnQuery {
  query?: (...args: QueryArguments) => Promise<unknown>;
}

/** pg: the client's socket, `connection.stream` (a net.Socket, or the `stream` option's). */
interface ClientInternals {
  connection: { stream: { cork(): void; uncork(): void } };
}

/** TypeORM's PostgresQueryRunner: what it keeps of its connection and its transaction. */
interface PostgresRunnerInternals {
  /** What `connect()` answers without asking the pool when set. */
  databaseConnection: PoolClient | undefined;
  /** Called by `release`: hands the connection back (with an error: the pool destroys it). */
  releaseCallback: ((error?: Error) => void) | undefined;
  releasePostgresConnection(error?: Error): Promise<void>;
  /** Set by `startTransaction`; with them set, `manager.transaction()` makes a SAVEPOINT. */
  isTransactionActive: boolean;
  transactionDepth: number;
  /** What the DataSource releases on close. */
  driver: { connectedQueryRunners: QueryRunner[] };
}

const internalsOf = (runner: QueryRunner) => runner as unknown as PostgresRunnerInternals;

// ---- node-postgres ----

/**
 * Sends a query through the client's real `query` (the prototype's), whatever stands in for
 * it on the instance.
 */
export function sendQuery(client: PoolClient, args: QueryArguments): Promise<unknown> {
  return (Client.prototype.query as unknown as Query).apply(client, args);
}

/**
 * Routes every `client.query(...)` call to `handler` until the returned function is called,
 * which must happen before the connection goes back to the pool.
 */
export function interceptQueries(
  client: PoolClient,
  handler: (args: QueryArguments) => Promise<unknown>,
): () => void {
  (client as ClientWithOwnQuery).query = (...args: QueryArguments) => handler(args);
  return () => {
    delete (client as ClientWithOwnQuery).query;
  };
}

/**
 * Runs `write` (which sends queries without awaiting them) with the client's socket corked, so
 * what it sends leaves in one system call. Only meaningful on a pipelined client: otherwise pg
 * holds a query back until the previous one is answered.
 */
export function inOneWrite<T>(client: PoolClient, write: () => T): T {
  const { stream } = (client as unknown as ClientInternals).connection;
  stream.cork();
  try {
    return write();
  } finally {
    stream.uncork();
  }
}

// ---- TypeORM ----

/**
 * Gives a fresh query runner `client` as its connection, exactly as its own `connect()` would
 * from the pool: released with the runner (destroyed when released with an error), and
 * released at once, with the error, when the connection breaks.
 */
export function adoptConnection(runner: QueryRunner, client: PoolClient): void {
  const internals = internalsOf(runner);
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

/** The connection the runner holds, if it holds one. */
export function connectionOf(runner: QueryRunner): PoolClient | undefined {
  return internalsOf(runner).databaseConnection;
}

/**
 * TypeORM only knows a transaction is open when it sent START TRANSACTION itself. We sent
 * BEGIN in our combined message, so tell it: then a nested `manager.transaction()` becomes a
 * SAVEPOINT, not a BEGIN and a COMMIT of its own that would end ours.
 */
export function adoptOpenTransaction(runner: QueryRunner): void {
  const internals = internalsOf(runner);
  internals.isTransactionActive = true;
  internals.transactionDepth = 1;
}

/**
 * Hands the runner's connection back to the pool; with an error, the pool destroys it
 * instead of reusing it (a connection whose ROLLBACK failed may still be in a transaction).
 */
export async function releaseRunner(runner: QueryRunner, error?: unknown): Promise<void> {
  const reason =
    error === undefined ? undefined : error instanceof Error ? error : new Error(String(error));
  await internalsOf(runner).releasePostgresConnection(reason);
}
