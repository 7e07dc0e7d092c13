import { loadConfig } from '@schoolyard/config';
import { type Comparison, compareAbba } from './abba';
import { type BackendMemory, backendMemory } from './backend-memory';
import { type CpuPerRequest, CpuTally } from './cpu';
import { type FleetSchool } from './fleet-builder';
import { type BenchServer, load, type RunOptions, startBenchServer } from './harness';

export interface FlatnessOptions extends RunOptions {
  jwtSecret: string;
}

export const FLATNESS_ARMS = ['fleet', 'one'] as const;
type Arm = (typeof FLATNESS_ARMS)[number];

/** The mixed read workload: each connection reads the school's settings, then a page of students. */
export const MIXED_READS = ['/api/school', '/api/students?pageSize=20'];

export interface MemoryAfterRun {
  /**
   * DB_POOL_MAX_USES of the API process ("unbounded": connections are never recycled for
   * use, nor for the schools they served, DB_POOL_MAX_SCHOOLS_PER_CONNECTION).
   */
  maxUses: number | 'unbounded';
  /** DB_POOL_MAX_SCHOOLS_PER_CONNECTION of the API process, when bounded. */
  maxSchoolsPerConnection?: number;
  memory: BackendMemory | null;
}

export interface FlatnessResult extends Comparison<Arm> {
  schools: number;
  cpuPerRequest: Record<Arm, CpuPerRequest> | null;
  /** Backend memory at the end of every run of the comparison, in the order they ran. */
  memoryAfterRuns: Array<{ arm: Arm; memory: BackendMemory | null }>;
  /** The fleet workload on a fresh API process, with and without recycling connections. */
  recycling: MemoryAfterRun[];
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function workload(server: BenchServer, schools: FleetSchool[], connections: number) {
  return (durationSeconds: number, amount?: number) =>
    load(server.port, {
      path: MIXED_READS,
      hosts: schools.map((school) => school.host),
      headers: schools.map((school) => school.bearer),
      connections,
      durationSeconds,
      amount,
    });
}

/**
 * The same mixed reads spread uniformly over the whole fleet against all of them on one
 * school, in ABBA rounds on one API process; then PostgreSQL's backend memory after the
 * fleet workload with connections recycled after DB_POOL_MAX_USES transactions (the
 * default) and never.
 */
export async function measureFlatness(
  schools: FleetSchool[],
  options: FlatnessOptions,
): Promise<FlatnessResult> {
  const env = { JWT_SECRET: options.jwtSecret };
  const fleet = shuffled(schools);
  const memoryAfterRuns: FlatnessResult['memoryAfterRuns'] = [];
  const server = await startBenchServer(options.databaseUrl, env);
  let comparison: Comparison<Arm>;
  const cpu = new CpuTally<Arm>(server.pid, options.databaseUrl);
  try {
    const runs: Record<Arm, (seconds: number) => ReturnType<typeof load>> = {
      fleet: workload(server, fleet, options.connections),
      one: workload(server, fleet.slice(0, 1), options.connections),
    };
    // Every school visited twice before the rounds (requests go round the fleet in turn),
    // whatever the machine's speed: a fleet in service has served its schools before, and a
    // pooled connection warms a school's caches on its first visit.
    await workload(server, fleet, options.connections)(600, 2 * schools.length);
    comparison = await compareAbba(
      FLATNESS_ARMS,
      async (arm, seconds) => {
        const figures = await cpu.measure(arm, () => runs[arm](seconds));
        memoryAfterRuns.push({ arm, memory: await backendMemory(options.databaseUrl) });
        return figures;
      },
      { ...options, warmupSeconds: 2 },
    );
  } finally {
    await server.stop();
  }

  // The product's settings (or the caller's DB_POOL_MAX_USES and
  // DB_POOL_MAX_SCHOOLS_PER_CONNECTION) against never recycling, each for as many requests as
  // it takes every pooled connection past that many uses (at most 20 a school).
  const pool = loadConfig(process.env).pool;
  const settings: MemoryAfterRun['maxUses'][] = ['unbounded', pool.maxUses];
  const recycling: MemoryAfterRun[] = [];
  for (const maxUses of settings) {
    const fresh = await startBenchServer(options.databaseUrl, {
      ...env,
      DB_POOL_MAX_USES: String(maxUses === 'unbounded' ? 100_000_000 : maxUses),
      DB_POOL_MAX_SCHOOLS_PER_CONNECTION: String(
        maxUses === 'unbounded' ? 1_000_000 : pool.maxSchoolsPerConnection,
      ),
    });
    try {
      const amount = Math.min(Math.ceil(1.2 * pool.size * pool.maxUses), 20 * schools.length);
      await workload(fresh, fleet, options.connections)(600, amount);
      recycling.push({
        maxUses,
        ...(maxUses === 'unbounded'
          ? {}
          : { maxSchoolsPerConnection: pool.maxSchoolsPerConnection }),
        memory: await backendMemory(options.databaseUrl),
      });
    } finally {
      await fresh.stop();
    }
  }
  return {
    schools: schools.length,
    ...comparison,
    cpuPerRequest: cpu.medians(FLATNESS_ARMS),
    memoryAfterRuns,
    recycling,
  };
}
