import { Client } from 'pg';
import { backendMemory, type BackendMemory } from './backend-memory';
import { BENCH_PASSWORD, startBenchServer } from './harness';
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
  /**
   * The last registrations of the run against as many by a new API process, the two taking
   * turns (p50 each, long-lived over new): unlike first-vs-last, load that changes during the
   * run falls on both sides. Only in the `provisioning` benchmark.
   */
  versusFresh?: { window: number; longLivedP50Ms: number; freshP50Ms: number; ratio: number };
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

async function register(port: number, prefix: string, i: number): Promise<number> {
  const started = process.hrtime.bigint();
  const made = await httpJson(port, 'POST', '/api/organizations/register', 'localhost', {
    name: `Registered school ${i}`,
    subdomain: `${prefix}${i}`,
    owner: {
      firstName: 'Registered',
      lastName: `Owner${i}`,
      email: `owner${i}@${prefix}.example`,
      password: BENCH_PASSWORD,
    },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (made.status !== 201) {
    throw new Error(`registration answered ${made.status}: ${JSON.stringify(made.body)}`);
  }
  return ms;
}

/**
 * Registers `count` schools one after another through an API process started with `env`,
 * timing each; then the private memory of that process's owner connections. With
 * `versusFresh`, a new process with the same settings registers as many schools as the last
 * `versusFresh`, taking turns with them: the same catalog and the same load on both sides.
 */
async function registerSchools(
  databaseUrl: string,
  count: number,
  prefix: string,
  env: Record<string, string> = {},
  versusFresh = 0,
) {
  const server = await startBenchServer(databaseUrl, env);
  let fresh: Awaited<ReturnType<typeof startBenchServer>> | undefined;
  const latencies: number[] = [];
  const freshLatencies: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      if (i === count - versusFresh) fresh = await startBenchServer(databaseUrl, env);
      if (!fresh) latencies.push(await register(server.port, prefix, i));
      else if (i % 2 === 0) {
        latencies.push(await register(server.port, prefix, i));
        freshLatencies.push(await register(fresh.port, `${prefix}new`, i));
      } else {
        freshLatencies.push(await register(fresh.port, `${prefix}new`, i));
        latencies.push(await register(server.port, prefix, i));
      }
      if ((i + 1) % 100 === 0) {
        const recent = round(percentile(latencies.slice(-100), 50), 1);
        process.stderr.write(`  registered ${i + 1}/${count} (p50 of the last 100 ${recent} ms)\n`);
      }
    }
    // Told apart from other processes' by client port: every API names them schoolyard-owner.
    const memory = await backendMemory(databaseUrl, {
      applicationName: 'schoolyard-owner',
      clientPid: server.pid,
    });
    return { latencies, freshLatencies, memory };
  } finally {
    await Promise.all([server.stop(), fresh?.stop()]);
  }
}

function summary(
  run: Awaited<ReturnType<typeof registerSchools>>,
  relations: number,
  kiB: number,
): ProvisioningResult {
  const { latencies, freshLatencies } = run;
  const p50 = percentile(latencies, 50);
  const result: ProvisioningResult = {
    schools: latencies.length,
    p50Ms: round(p50, 1),
    p95Ms: round(percentile(latencies, 95), 1),
    maxMs: round(Math.max(...latencies), 1),
    flatness: endsP50(latencies, FLATNESS_WINDOW),
    msPerRelation: round(p50 / relations, 2),
    catalogPerSchool: { relations, kiB },
    ownerBackends: run.memory,
    latenciesMs: latencies.map((ms) => round(ms, 1)),
  };
  if (freshLatencies.length) {
    const longLived = percentile(latencies.slice(-freshLatencies.length), 50);
    const fresh = percentile(freshLatencies, 50);
    result.versusFresh = {
      window: freshLatencies.length,
      longLivedP50Ms: round(longLived, 1),
      freshP50Ms: round(fresh, 1),
      ratio: round(longLived / fresh, 2),
    };
  }
  return result;
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
  const run = await registerSchools(databaseUrl, count, prefix);
  const after = await catalogFigures(databaseUrl, `school_${prefix}0`);
  const kiB = round((after.bytes - before.bytes) / 1024 / count, 0);
  return summary(run, after.relations, kiB);
}

export interface ProvisioningComparison {
  shipped: ProvisioningResult;
  /** As many registrations after those, on a process whose owner connections are never closed. */
  neverRecycled: ProvisioningResult;
}

/**
 * `provisioning`: registrations as shipped, then as many on an API process whose owner
 * connections are never recycled (neither by schools nor by lifetime), on the same database;
 * each arm's last registrations take turns with a new process of its kind. The arms run one
 * after the other: an old backend's work on every invalidation the other arm's DDL sends
 * would run on the second core during the other's registrations.
 */
export async function compareOwnerRecycling(
  databaseUrl: string,
  count: number,
): Promise<ProvisioningComparison> {
  const before = await catalogFigures(databaseUrl);
  const window = Math.max(1, Math.min(FLATNESS_WINDOW, Math.floor(count / 2)));
  const shipped = await registerSchools(databaseUrl, count, 'reg', {}, window);
  const after = await catalogFigures(databaseUrl, 'school_reg0');
  const kiB = round((after.bytes - before.bytes) / 1024 / (count + window), 0);
  process.stderr.write('  the same with owner connections never recycled:\n');
  const kept = await registerSchools(
    databaseUrl,
    count,
    'kept',
    { DB_OWNER_SCHOOLS_PER_CONNECTION: '100000000', DB_POOL_MAX_LIFETIME_SECONDS: '86400' },
    window,
  );
  return {
    shipped: summary(shipped, after.relations, kiB),
    neverRecycled: summary(kept, after.relations, kiB),
  };
}
