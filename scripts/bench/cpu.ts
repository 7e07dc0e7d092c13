import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
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

async function backendPids(client: Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend'
        AND pid <> pg_backend_pid()`,
  );
  return rows.map((row) => row.pid);
}

export interface CpuSpent {
  /** The API process (or processes, added up). */
  apiMs: number;
  /** PostgreSQL's backends on the benchmark's database, including those started or ended meanwhile. */
  postgresMs: number;
}

/** How often backends are looked for and read while the work runs. */
const SAMPLE_MS = 100;

/**
 * CPU time spent by the API (every process given, added up: several instances serve one
 * load) and by PostgreSQL while `work` runs: unlike requests per second,
 * it hardly moves when other work shares the machine. Null when /proc cannot tell (the
 * database server runs elsewhere). Pools retire connections (`DB_POOL_MAX_USES`), so the
 * backends are read every 100 ms: one born during the run counts from nothing, one that
 * ended counts up to its last reading (a backend's last 100 ms at most go unseen).
 */
export async function cpuSpent<T>(
  apiPid: number | readonly number[],
  databaseUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSpent | null }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const first = new Map<number, number>();
    const last = new Map<number, number>();
    const sample = async (atStart: boolean) => {
      const pids = new Set([...last.keys(), ...(await backendPids(client))]);
      await Promise.all(
        [...pids].map(async (pid) => {
          const ms = await cpuMs(pid);
          if (ms === 0) return; // ended (its last reading stands) or not readable
          if (!first.has(pid)) first.set(pid, atStart ? ms : 0);
          last.set(pid, ms);
        }),
      );
    };
    const apiPids = typeof apiPid === 'number' ? [apiPid] : apiPid;
    const apiCpu = async () => Promise.all(apiPids.map((pid) => cpuMs(pid)));
    const apiBefore = await apiCpu();
    await sample(true);
    let running = true;
    const sampling = (async () => {
      while (running) {
        await sleep(SAMPLE_MS);
        if (running) await sample(false);
      }
    })();
    let result: T;
    try {
      result = await work();
    } finally {
      running = false;
      await sampling;
    }
    await sample(false);
    const apiAfter = await apiCpu();
    if (apiBefore.includes(0)) return { result, cpu: null };
    let apiMs = 0;
    for (let i = 0; i < apiPids.length; i++) apiMs += apiAfter[i] - apiBefore[i];
    let postgresMs = 0;
    for (const [pid, ms] of last) postgresMs += ms - (first.get(pid) ?? ms);
    return { result, cpu: { apiMs, postgresMs } };
  } finally {
    await client.end();
  }
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
    private readonly apiPid: number | readonly number[],
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
