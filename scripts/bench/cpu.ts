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

async function backendPids(url: string): Promise<number[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'
          AND pid <> pg_backend_pid()`,
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

export interface CpuSpent {
  /** The API process. */
  apiMs: number;
  /** PostgreSQL's backends on the benchmark's database (those alive at both ends). */
  postgresMs: number;
}

/**
 * CPU time spent by the API and by PostgreSQL while `work` runs: unlike requests per second,
 * it hardly moves when other work shares the machine. Null when /proc cannot tell (the
 * database server runs elsewhere).
 */
export async function cpuSpent<T>(
  apiPid: number,
  databaseUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSpent | null }> {
  const pids = await backendPids(databaseUrl);
  const before = await Promise.all([apiPid, ...pids].map(cpuMs));
  const result = await work();
  const after = await Promise.all([apiPid, ...pids].map(cpuMs));
  if (before[0] === 0) return { result, cpu: null };
  let postgresMs = 0;
  for (let i = 1; i < before.length; i++) {
    if (after[i] > 0 && before[i] > 0) postgresMs += after[i] - before[i];
  }
  return { result, cpu: { apiMs: after[0] - before[0], postgresMs } };
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
