import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Client } from 'pg';
import { type Comparison } from './abba';
import { type CpuPerRequest, CpuTally } from './cpu';
import {
  type BenchServer,
  load,
  registerBenchSchools,
  type RunOptions,
  signIn,
  startBenchServer,
} from './harness';
import { comparisonOf, rotate, type Rotation } from './rotation';
import { enrollStudents } from './seed';
import { loadAcross, splitConnections } from './split-load';

const ROUTES = { school: '/api/school', students: '/api/students?pageSize=20' } as const;
type Route = keyof typeof ROUTES;

/** Which servers an arm loads: one instance, both, or both of the pair sharing limits in Redis. */
type Target = 'one' | 'two' | 'shared';

/** The even rounds' order: the arms a line divides sit next to each other. */
export const INSTANCES_ORDER = ['schoolOne', 'schoolTwo', 'studentsTwo', 'studentsOne'] as const;
/** With `BENCH_REDIS_URL`: two instances with rate limits on, shared through Redis, beside them. */
export const SHARED_LIMITS_ORDER = [
  'schoolOne',
  'schoolTwo',
  'schoolShared',
  'studentsShared',
  'studentsTwo',
  'studentsOne',
] as const;
export type InstancesArm = (typeof SHARED_LIMITS_ORDER)[number];

const ARMS: Record<InstancesArm, { route: Route; target: Target }> = {
  schoolOne: { route: 'school', target: 'one' },
  schoolTwo: { route: 'school', target: 'two' },
  schoolShared: { route: 'school', target: 'shared' },
  studentsShared: { route: 'students', target: 'shared' },
  studentsTwo: { route: 'students', target: 'two' },
  studentsOne: { route: 'students', target: 'one' },
};

/** One route on two instances and on one: medians, and the median of per-round ratios, two over one. */
export interface RouteAcrossInstances extends Comparison<'two' | 'one'> {
  path: string;
  /** API CPU of both processes added up, and PostgreSQL's; null when /proc could not tell. */
  cpuPerRequest: Record<'two' | 'one', CpuPerRequest> | null;
}

/** Two instances with limits shared in Redis over two with limits off, per route. */
export interface RouteWithSharedLimits extends Comparison<'shared' | 'two'> {
  path: string;
  cpuPerRequest: Record<'shared' | 'two', CpuPerRequest> | null;
}

export interface InstancesResult {
  /** Cores the machine has: servers, PostgreSQL and the load generator all share them. */
  cores: number;
  connections: number;
  /** Connections each instance gets in the "two" arms. */
  split: number[];
  school: RouteAcrossInstances;
  students: RouteAcrossInstances;
  /** Only when `BENCH_REDIS_URL` was set. */
  sharedLimits: { school: RouteWithSharedLimits; students: RouteWithSharedLimits } | null;
  rotation: Rotation<InstancesArm>;
}

export interface InstancesOptions extends RunOptions {
  /** Handed to the shared-limits pair as REDIS_URL; without it that pair is not started. */
  redisUrl?: string;
}

/**
 * The shared-limits pair: limits checked on every request, the platform's per-client limit
 * at the highest the configuration takes (one client address sends the whole load).
 */
export const SHARED_LIMITS_ENV = {
  RATE_LIMITS: 'true',
  RATE_LIMIT_PLATFORM_PER_MINUTE: '1000000',
} as const;

/** The school on a plan no benchmark reaches, so limits are checked but never refuse. */
async function giveRoomyPlan(databaseUrl: string, host: string): Promise<void> {
  const owner = new Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query(
      `INSERT INTO public.plans (code, name, price_minor, purchasable, requests_per_minute,
                                 client_requests_per_minute)
       VALUES ('bench-roomy', 'Roomy', 0, false, 100000000, 100000000)
       ON CONFLICT (code) DO NOTHING`,
    );
    await owner.query(
      `UPDATE public.subscriptions SET plan_code = 'bench-roomy'
        WHERE organization_id = (SELECT organization_id FROM public.domains WHERE host = $1)`,
      [host],
    );
  } finally {
    await owner.end();
  }
}

/**
 * Throughput of two API instances against one on this machine: two bench servers of this
 * build on one database, one school with 50 students, GET /api/school and
 * GET /api/students?pageSize=20 with the owner's token, all of `connections` sent to one
 * instance or shared out over both (two autocannon runs at once, added up), every arm in one
 * rotation. With a Redis URL, a second pair with rate limits on and REDIS_URL set runs beside.
 */
export async function measureInstances(options: InstancesOptions): Promise<InstancesResult> {
  // One sign-in must serve every instance, as behind a load balancer.
  const shared = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
  };
  const split = splitConnections(options.connections, 2);
  const started: BenchServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startBenchServer(options.databaseUrl, { ...shared, ...env });
    started.push(server);
    return server;
  };
  try {
    // One after the other: the second finds the database prepared, as a second replica would.
    const first = await start();
    const second = await start();
    const [school] = await registerBenchSchools(first.port, 1, 'inst');
    const bearer = await signIn(first.port, school);
    await enrollStudents(first.port, school.host, bearer, 50);

    const pairs: Partial<Record<Target, BenchServer[]>> = { one: [first], two: [first, second] };
    if (options.redisUrl) {
      await giveRoomyPlan(options.databaseUrl, school.host);
      const limited = { ...SHARED_LIMITS_ENV, REDIS_URL: options.redisUrl };
      pairs.shared = [await start(limited), await start(limited)];
    }
    const serversOf = (target: Target) => pairs[target] as BenchServer[];
    // Both pairs' API CPU counted in every arm of the pair: the idle instance costs what it costs.
    const tallies = {
      plain: new CpuTally<InstancesArm>([first.pid, second.pid], options.databaseUrl),
      shared: new CpuTally<InstancesArm>(
        (pairs.shared ?? []).map((server) => server.pid),
        options.databaseUrl,
      ),
    };
    const order = options.redisUrl ? SHARED_LIMITS_ORDER : INSTANCES_ORDER;
    const rotation = await rotate(
      order,
      (arm, durationSeconds) => {
        const { route, target } = ARMS[arm];
        const spec = {
          path: ROUTES[route],
          hosts: [school.host],
          headers: [bearer],
          connections: options.connections,
          durationSeconds,
        };
        const ports = serversOf(target).map((server) => server.port);
        return tallies[target === 'shared' ? 'shared' : 'plain'].measure(arm, () =>
          ports.length === 1 ? load(ports[0], spec) : loadAcross(ports, spec),
        );
      },
      options,
    );

    const cpu = (arm: InstancesArm) =>
      tallies[ARMS[arm].target === 'shared' ? 'shared' : 'plain'].medians([arm])?.[arm];
    const across = (route: Route, two: InstancesArm, one: InstancesArm): RouteAcrossInstances => {
      const [a, b] = [cpu(two), cpu(one)];
      return {
        path: ROUTES[route],
        ...comparisonOf(rotation, ['two', two], ['one', one]),
        cpuPerRequest: a && b ? { two: a, one: b } : null,
      };
    };
    const withLimits = (route: Route, limited: InstancesArm, two: InstancesArm) => {
      const [a, b] = [cpu(limited), cpu(two)];
      return {
        path: ROUTES[route],
        ...comparisonOf(rotation, ['shared', limited], ['two', two]),
        cpuPerRequest: a && b ? { shared: a, two: b } : null,
      };
    };
    return {
      cores: availableParallelism(),
      connections: options.connections,
      split,
      school: across('school', 'schoolTwo', 'schoolOne'),
      students: across('students', 'studentsTwo', 'studentsOne'),
      sharedLimits: options.redisUrl
        ? {
            school: withLimits('school', 'schoolShared', 'schoolTwo'),
            students: withLimits('students', 'studentsShared', 'studentsTwo'),
          }
        : null,
      rotation,
    };
  } finally {
    for (const server of started) await server.stop();
  }
}
