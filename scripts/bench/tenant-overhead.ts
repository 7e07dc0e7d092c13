import { load, registerBenchSchools, startBenchServer } from './harness';
import { median, round } from './stats';

export interface OverheadOptions {
  databaseUrl: string;
  schools: number;
  rounds: number;
  durationSeconds: number;
  connections: number;
}

interface Arm {
  name: 'tenant' | 'bare';
  path: string;
}

const ARMS: Arm[] = [
  { name: 'tenant', path: '/bench/tenant/school' },
  { name: 'bare', path: '/bench/bare/school' },
];

export interface OverheadResult {
  schools: number;
  rounds: Array<Record<Arm['name'], { requestsPerSecond: number; p99Ms: number }>>;
  median: Record<Arm['name'], { requestsPerSecond: number; p99Ms: number }>;
  medianRatio: number;
  roundTripsPerRead: Record<Arm['name'], number>;
}

/**
 * Throughput of the same school-settings read with the full tenant context against the
 * same read with tenancy bypassed, alternating the two in every round (ABBA) so drift in a
 * noisy machine's speed falls on both alike.
 */
export async function measureTenantOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const server = await startBenchServer(options.databaseUrl);
  const { port } = server;
  try {
    const hosts = (await registerBenchSchools(port, options.schools)).map((school) => school.host);
    const run = (arm: Arm, durationSeconds: number) =>
      load(port, { path: arm.path, hosts, connections: options.connections, durationSeconds });
    for (const arm of ARMS) await run(arm, 2);

    const rounds: OverheadResult['rounds'] = [];
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? ARMS : [...ARMS].reverse();
      const round: Partial<OverheadResult['rounds'][number]> = {};
      for (const arm of order) round[arm.name] = await run(arm, options.durationSeconds);
      rounds.push(round as OverheadResult['rounds'][number]);
    }
    const summary = (name: Arm['name']) => ({
      requestsPerSecond: round(median(rounds.map((x) => x[name].requestsPerSecond)), 0),
      p99Ms: median(rounds.map((x) => x[name].p99Ms)),
    });
    return {
      schools: options.schools,
      rounds,
      median: { tenant: summary('tenant'), bare: summary('bare') },
      medianRatio: round(
        median(rounds.map((x) => x.tenant.requestsPerSecond / x.bare.requestsPerSecond)),
        3,
      ),
      // BEGIN + the three set_config calls travel as one message, then the read, then COMMIT.
      roundTripsPerRead: { tenant: 3, bare: 1 },
    };
  } finally {
    await server.stop();
  }
}
