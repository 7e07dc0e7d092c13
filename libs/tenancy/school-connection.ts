import { adoptConnection, type RequestPool } from '@schoolyard/database';
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
