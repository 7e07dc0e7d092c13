import { readFile } from 'node:fs/promises';
import { Client } from 'pg';
import { type LoadFigures } from './harness';
import { median, round } from './stats';

/** CPU time a process has used so far (user + system), in ms; 0 if it cannot be read. */
async function cpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** How often the backends are listed while a run goes on (see cpuSpent). */
const SAMPLE_MS = 250;

async function backendPids(client: Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend'
        AND pid <> pg_backend_pid()`,
  );
  return rows.map((row) => row.pid);
}

export interface CpuSpent {
  /** The API process. */
  apiMs: number;
  /** PostgreSQL's backends on the benchmark's database, including those started meanwhile. */
  postgresMs: number;
}

/**
 * CPU time spent by the API and by PostgreSQL while `work` runs: unlike requests per second,
 * it hardly moves when other work shares the machine. Null when /proc cannot tell (the
 * database server runs elsewhere).
 *
 * The backends are listed every SAMPLE_MS, not only at both ends: a pool that replaces its
 * connections (after so many uses or schools) starts backends during a run and ends others,
 * and counting only those alive at both ends left out exactly the backends doing cold work.
 * A backend started meanwhile counts from zero; one that ends counts up to its last sample.
 */
export async function cpuSpent<T>(
  apiPid: number,
  databaseUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSpent | null }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = async (startOfRun: boolean) => {
    const pids = await backendPids(client);
    const spent = await Promise.all(pids.map(cpuMs));
    pids.forEach((pid, i) => {
      if (spent[i] <= 0) return;
      if (!first.has(pid)) first.set(pid, startOfRun ? spent[i] : 0);
      last.set(pid, spent[i]);
    });
  };
  let apiBefore: number;
  let apiAfter: number;
  let result: T;
  try {
    await sample(true);
    apiBefore = await cpuMs(apiPid);
    let sampling = Promise.resolve();
    const timer = setInterval(() => {
      sampling = sampling.then(() => sample(false)).catch(() => undefined);
    }, SAMPLE_MS);
    try {
      result = await work();
    } finally {
      clearInterval(timer);
      await sampling;
    }
    apiAfter = await cpuMs(apiPid);
    await sample(false);
  } finally {
    await client.end();
  }
  if (apiBefore === 0) return { result, cpu: null };
  let postgresMs = 0;
  for (const [pid, end] of last) postgresMs += end - (first.get(pid) ?? end);
  return { result, cpu: { apiMs: apiAfter - apiBefore, postgresMs } };
}

/** CPU time per request, median over the rounds. */
export interface CpuPerRequest {
  apiUs: number;
  postgresUs: number;
}

/** Collects CPU time per request for each arm of a comparison, run by run. */
export class CpuTally<N extends string> {
  private readonly samples = new Map<N, CpuPerRequest[]>();

  constructor(
    private readonly apiPid: number,
    private readonly databaseUrl: string,
  ) {}

  async measure(arm: N, run: () => Promise<LoadFigures>): Promise<LoadFigures> {
    const { result, cpu } = await cpuSpent(this.apiPid, this.databaseUrl, run);
    const requests = result.requests ?? 0;
    if (cpu && requests > 0) {
      const list = this.samples.get(arm) ?? [];
      list.push({
        apiUs: (cpu.apiMs * 1000) / requests,
        postgresUs: (cpu.postgresMs * 1000) / requests,
      });
      this.samples.set(arm, list);
    }
    return result;
  }

  /** Medians per arm, or null when /proc could not tell for some arm. */
  medians(arms: readonly N[]): Record<N, CpuPerRequest> | null {
    const result = {} as Record<N, CpuPerRequest>;
    for (const arm of arms) {
      const list = this.samples.get(arm);
      if (!list?.length) return null;
      result[arm] = {
        apiUs: round(median(list.map((x) => x.apiUs)), 0),
        postgresUs: round(median(list.map((x) => x.postgresUs)), 0),
      };
    }
    return result;
  }
}
