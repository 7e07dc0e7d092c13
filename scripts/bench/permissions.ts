import { randomBytes } from 'node:crypto';
import { type Comparison, compareAbba } from './abba';
import { load, registerBenchSchools, type RunOptions, signIn, startBenchServer } from './harness';
import { type WireCounts, wirePerRequest } from './round-trips';

export interface PermissionOptions extends RunOptions {
  schools: number;
}

export const PERMISSION_ARMS = ['uncached', 'cached'] as const;
type Arm = (typeof PERMISSION_ARMS)[number];

export interface PermissionResult extends Comparison<Arm> {
  wire: Record<Arm, WireCounts>;
}

/**
 * The cost of the permission check on a guarded route that does no work of its own
 * (GET /api/roles/permissions: the tenant transaction opens and commits around it). Two API
 * processes on the same database and tokens, one caching grants per school (the default) and
 * one looking them up on every request (ACCESS_CACHE_TTL_SECONDS=0).
 */
export async function measurePermissionChecks(
  options: PermissionOptions,
): Promise<PermissionResult> {
  const jwtSecret = randomBytes(32).toString('base64url');
  const servers = {
    cached: await startBenchServer(options.databaseUrl, { JWT_SECRET: jwtSecret }),
    uncached: await startBenchServer(options.databaseUrl, {
      JWT_SECRET: jwtSecret,
      ACCESS_CACHE_TTL_SECONDS: '0',
    }),
  };
  try {
    const schools = await registerBenchSchools(servers.cached.port, options.schools, 'perm');
    const headers: Array<Record<string, string>> = [];
    for (const school of schools) headers.push(await signIn(servers.cached.port, school));
    const hosts = schools.map((school) => school.host);
    const comparison = await compareAbba(
      PERMISSION_ARMS,
      (arm, durationSeconds) =>
        load(servers[arm].port, {
          path: '/api/roles/permissions',
          hosts,
          headers,
          connections: options.connections,
          durationSeconds,
        }),
      options,
    );
    const probe = { path: '/api/roles/permissions', host: hosts[0], headers: headers[0] };
    return {
      ...comparison,
      wire: {
        uncached: await wirePerRequest(servers.uncached.port, probe),
        cached: await wirePerRequest(servers.cached.port, probe),
      },
    };
  } finally {
    await Promise.all([servers.cached.stop(), servers.uncached.stop()]);
  }
}
