import { type Comparison, compareAbba } from './abba';
import {
  type BenchServer,
  load,
  registerBenchSchools,
  signIn,
  startBenchServer,
  type RunOptions,
} from './harness';
import { type CpuPerRequest, CpuTally } from './cpu';
import { enrollStudents } from './seed';
import { type WireCounts, wirePerRequest } from './round-trips';

export const ISOLATION_ARMS = ['tenant', 'bypass'] as const;
type Arm = (typeof ISOLATION_ARMS)[number];

/** The product's routes, and the same services behind the bench-only bypass. */
export const ISOLATION_ROUTES = {
  school: { tenant: '/api/school', bypass: '/bench/bypass/school' },
  students: {
    tenant: '/api/students?pageSize=20',
    bypass: '/bench/bypass/students?pageSize=20',
  },
} as const;
type Route = keyof typeof ISOLATION_ROUTES;

export interface RouteIsolation extends Comparison<Arm> {
  path: string;
  wire: Record<Arm, WireCounts>;
  cpuPerRequest: Record<Arm, CpuPerRequest> | null;
}

export type IsolationResult = Record<Route, RouteIsolation>;

/**
 * The cost of the tenant context: GET /api/school and GET /api/students?pageSize=20 with the
 * full tenant path against the same services with tenancy bypassed, on one school with 50
 * students (the bypass names its schema at connect time), in ABBA rounds per route.
 */
export async function measureIsolation(options: RunOptions): Promise<IsolationResult> {
  const server: BenchServer = await startBenchServer(options.databaseUrl);
  const { port } = server;
  try {
    const [school] = await registerBenchSchools(port, 1, 'iso');
    const bearer = await signIn(port, school);
    await enrollStudents(port, school.host, bearer, 50);
    const result = {} as IsolationResult;
    for (const route of Object.keys(ISOLATION_ROUTES) as Route[]) {
      const paths = ISOLATION_ROUTES[route];
      const wire = {
        tenant: await wirePerRequest(port, {
          path: paths.tenant,
          host: school.host,
          headers: bearer,
        }),
        bypass: await wirePerRequest(port, {
          path: paths.bypass,
          host: school.host,
          headers: bearer,
        }),
      };
      const cpu = new CpuTally<Arm>(server.pid, options.databaseUrl);
      const comparison = await compareAbba(
        ISOLATION_ARMS,
        (arm, durationSeconds) =>
          cpu.measure(arm, () =>
            load(port, {
              path: paths[arm],
              hosts: [school.host],
              headers: [bearer],
              connections: options.connections,
              durationSeconds,
            }),
          ),
        options,
      );
      const cpuPerRequest = cpu.medians(ISOLATION_ARMS);
      result[route] = { path: paths.tenant, wire, ...comparison, cpuPerRequest };
    }
    return result;
  } finally {
    await server.stop();
  }
}
