import { join } from 'node:path';
import { type PoolConfig } from 'pg';
import { type BenchServer, forkServer } from './harness';

/**
 * What users would pick instead of Schoolyard, each a small server of its own started by the
 * isolation benchmark: the tutorial design (one TypeORM DataSource per school), the least a
 * NestJS + Fastify app with one pg pool can do, and node's http module with the same pool.
 */
export const BASELINE_SERVERS = {
  dataSourcePerSchool: 'baseline-datasource-per-school.js',
  nestPg: 'baseline-nest-pg.js',
  httpPg: 'baseline-http-pg.js',
} as const;
export type BaselineServer = keyof typeof BASELINE_SERVERS;

/** The minimal arms' one route: a primary-key read of the school's row in the registry. */
export const ORGANIZATION_ROUTE = '/organizations/';
export const ORGANIZATION_QUERY =
  'SELECT id, slug, name, status, created_at FROM public.organizations WHERE id = $1';

/** Starts a baseline in a child process; it answers once it listens on a port of its own. */
export async function startBaselineServer(
  server: BaselineServer,
  databaseUrl: string,
  poolSize: number,
): Promise<BenchServer> {
  return forkServer(
    join(__dirname, BASELINE_SERVERS[server]),
    { BENCH_DATABASE_URL: databaseUrl, BENCH_POOL_SIZE: String(poolSize) },
    `the ${server} baseline`,
  );
}

/** In a baseline's process: where to connect, as the database's owner, as tutorials do. */
export function baselineSettings(): { url: string; poolSize: number } {
  const url = process.env.BENCH_DATABASE_URL;
  const poolSize = Number(process.env.BENCH_POOL_SIZE);
  if (!url || !process.send || !(poolSize > 0))
    throw new Error('the baselines are started by the benchmark, not by hand');
  return { url, poolSize };
}

/**
 * node-postgres pool options: the product's pool size, and its idle timeout, so no pool
 * closes its connections while the other arms of a round take their turn.
 */
export function baselinePool(url: string, poolSize: number): PoolConfig {
  return { connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 };
}

/** Tells the benchmark the port, and closes on SIGTERM. */
export function announce(port: number, close: () => Promise<unknown>): void {
  process.send?.({ port });
  process.once('SIGTERM', () => {
    void close().then(() => process.exit(0));
  });
}

/** A baseline's entry point: any failure to start is printed and ends the process. */
export function runBaseline(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
