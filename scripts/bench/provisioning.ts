import { Client } from 'pg';
import { backendMemory, type BackendMemory } from './backend-memory';
import { BENCH_PASSWORD, type BenchServer, startBenchServer } from './harness';
import { httpJson } from './http';
import { endsP50, percentile, round } from './stats';

/** Registrations at each end of the run compared for flatness (fewer when the run is short). */
export const FLATNESS_WINDOW = 100;

export interface ProvisioningResult {
  schools: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /**
   * p50 of the first and of the last `window` registrations, and last over first: the cost
   * of a registration must not grow with the schools made before it (target <= 1.2).
   */
  flatness: { window: number; firstP50Ms: number; lastP50Ms: number; ratio: number };
  /** p50 over the relations of one school schema: what each table or index adds. */
  msPerRelation: number;
  /** What one school adds to the system catalog: its relations and the catalog's growth on disk. */
  catalogPerSchool: { relations: number; kiB: number };
  /** Private memory of the owner pool's backends after the last registration (null: not readable). */
  ownerBackends: BackendMemory | null;
  /** Every registration's latency in order, for plotting. */
  latenciesMs: number[];
}

/** Relations of one school schema, and the size of pg_catalog's tables and indexes. */
async function catalogFigures(url: string, schemaName?: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; relations: string }>(
      `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r') AS bytes,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1) AS relations`,
      [schemaName ?? ''],
    );
    return { bytes: Number(rows[0].bytes), relations: Number(rows[0].relations) };
  } finally {
    await client.end();
  }
}

interface Arm {
  prefix: string;
  env: Record<string, string>;
}

/**
 * Registers `count` schools through each arm's API process, the arms taking turns, timing
 * each; then the private memory of each process's owner connections.
 */
async function registerInTurns(databaseUrl: string, count: number, arms: Arm[]) {
  const servers: BenchServer[] = [];
  const latencies: number[][] = arms.map(() => []);
  const memory: Array<BackendMemory | null> = [];
  try {
    for (const arm of arms) servers.push(await startBenchServer(databaseUrl, arm.env));
    for (let i = 0; i < count; i++) {
      for (const [a, { prefix }] of arms.entries()) {
        const started = process.hrtime.bigint();
        const made = await httpJson(
          servers[a].port,
          'POST',
          '/api/organizations/register',
          'localhost',
          {
            name: `Registered school ${i}`,
            subdomain: `${prefix}${i}`,
            owner: {
              firstName: 'Registered',
              lastName: `Owner${i}`,
              email: `owner${i}@${prefix}.example`,
              password: BENCH_PASSWORD,
            },
          },
        );
        latencies[a].push(Number(process.hrtime.bigint() - started) / 1e6);
        if (made.status !== 201) {
          throw new Error(`registration answered ${made.status}: ${JSON.stringify(made.body)}`);
        }
      }
      if ((i + 1) % 100 === 0) {
        const recent = latencies.map((arm) => round(percentile(arm.slice(-100), 50), 1));
        process.stderr.write(
          `  registered ${i + 1}/${count} (p50 of the last 100 ${recent.join(' ms, ')} ms)\n`,
        );
      }
    }
    for (const server of servers) {
      memory.push(
        await backendMemory(databaseUrl, {
          applicationName: 'schoolyard-owner',
          clientPid: server.pid,
        }),
      );
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return { latencies, memory };
}

function summary(
  latencies: number[],
  relations: number,
  kiB: number,
  ownerBackends: BackendMemory | null,
): ProvisioningResult {
  const p50 = percentile(latencies, 50);
  return {
    schools: latencies.length,
    p50Ms: round(p50, 1),
    p95Ms: round(percentile(latencies, 95), 1),
    maxMs: round(Math.max(...latencies), 1),
    flatness: endsP50(latencies, FLATNESS_WINDOW),
    msPerRelation: round(p50 / relations, 2),
    catalogPerSchool: { relations, kiB },
    ownerBackends,
    latenciesMs: latencies.map((ms) => round(ms, 1)),
  };
}

/**
 * Registers schools one after another through the API's registration endpoint (hashing the
 * owner's password, every table, role and seeded permission, the owner account), timing each.
 */
export async function measureProvisioning(
  databaseUrl: string,
  count: number,
  prefix: string,
): Promise<ProvisioningResult> {
  const before = await catalogFigures(databaseUrl);
  const { latencies, memory } = await registerInTurns(databaseUrl, count, [{ prefix, env: {} }]);
  const after = await catalogFigures(databaseUrl, `school_${prefix}0`);
  const kiB = round((after.bytes - before.bytes) / 1024 / count, 0);
  return summary(latencies[0], after.relations, kiB, memory[0]);
}

export interface ProvisioningComparison {
  shipped: ProvisioningResult;
  /** The same registrations on a process whose owner connections are never closed. */
  neverRecycled: ProvisioningResult;
}

/**
 * `provisioning`: registrations as shipped against an API process whose owner connections are
 * never recycled (neither by schools nor by lifetime), taking turns on one database, so both
 * see the same catalog, the same invalidations and the same load.
 */
export async function compareOwnerRecycling(
  databaseUrl: string,
  count: number,
): Promise<ProvisioningComparison> {
  const before = await catalogFigures(databaseUrl);
  const { latencies, memory } = await registerInTurns(databaseUrl, count, [
    { prefix: 'reg', env: {} },
    {
      prefix: 'kept',
      env: { DB_OWNER_SCHOOLS_PER_CONNECTION: '100000000', DB_POOL_MAX_LIFETIME_SECONDS: '86400' },
    },
  ]);
  const after = await catalogFigures(databaseUrl, 'school_reg0');
  const kiB = round((after.bytes - before.bytes) / 1024 / (2 * count), 0);
  return {
    shipped: summary(latencies[0], after.relations, kiB, memory[0]),
    neverRecycled: summary(latencies[1], after.relations, kiB, memory[1]),
  };
}
