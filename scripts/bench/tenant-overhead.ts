import { type Comparison, compareAbba } from './abba';
import { load, registerBenchSchools, startBenchServer } from './harness';

export interface OverheadOptions {
  databaseUrl: string;
  schools: number;
  rounds: number;
  durationSeconds: number;
  connections: number;
}

export const OVERHEAD_ARMS = ['tenant', 'bare'] as const;
type Arm = (typeof OVERHEAD_ARMS)[number];

const PATHS: Record<Arm, string> = { tenant: '/bench/tenant/school', bare: '/bench/bare/school' };

export interface OverheadResult extends Comparison<Arm> {
  schools: number;
  roundTripsPerRead: Record<Arm, number>;
}

/**
 * Throughput of the same school-settings read with the full tenant context against the
 * same read with tenancy bypassed.
 */
export async function measureTenantOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const server = await startBenchServer(options.databaseUrl);
  const { port } = server;
  try {
    const hosts = (await registerBenchSchools(port, options.schools)).map((school) => school.host);
    const comparison = await compareAbba(
      OVERHEAD_ARMS,
      (arm, durationSeconds) =>
        load(port, { path: PATHS[arm], hosts, connections: options.connections, durationSeconds }),
      options,
    );
    return {
      schools: options.schools,
      ...comparison,
      // BEGIN + the three set_config calls travel as one message, then the read, then COMMIT.
      roundTripsPerRead: { tenant: 3, bare: 1 },
    };
  } finally {
    await server.stop();
  }
}
