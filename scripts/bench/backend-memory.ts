import { readdir, readlink, readFile } from 'node:fs/promises';
import { Client } from 'pg';
import { round } from './stats';

export interface BackendMemory {
  backends: number;
  /** Memory only these processes hold (their catalog caches among it): Private_Clean + Private_Dirty. */
  privateMiB: number;
  /** Resident set, including the shared buffers each one has touched. */
  rssMiB: number;
}

function field(smaps: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(smaps);
  return match ? Number(match[1]) : 0;
}

/** Local TCP ports of a process on this machine (its sockets' inodes, found in /proc/net/tcp). */
async function tcpPortsOf(pid: number): Promise<Set<number>> {
  const links = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const inodes = new Set<string>();
  for (const fd of links) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]);
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length > 9 && inodes.has(columns[9])) {
        ports.add(parseInt(columns[1].split(':')[1], 16));
      }
    }
  }
  return ports;
}

export interface BackendFilter {
  /** Only backends of this application_name. */
  applicationName?: string;
  /** Only backends whose client is this process (on this machine). */
  clientPid?: number;
}

/**
 * PostgreSQL's client backends connected to the benchmark's database (those the filter
 * picks), read from /proc (the server runs on this machine in the benchmark). Null when it
 * does not, or /proc is closed.
 */
export async function backendMemory(
  ownerUrl: string,
  filter: BackendFilter = {},
): Promise<BackendMemory | null> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  let pids: number[];
  try {
    const { rows } = await client.query<{ pid: number; client_port: number | null }>(
      `SELECT pid, client_port FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'
          AND pid <> pg_backend_pid() AND ($1::text IS NULL OR application_name = $1)`,
      [filter.applicationName ?? null],
    );
    const ports = filter.clientPid === undefined ? null : await tcpPortsOf(filter.clientPid);
    pids = rows
      .filter((row) => !ports || (row.client_port !== null && ports.has(row.client_port)))
      .map((row) => row.pid);
  } finally {
    await client.end();
  }
  let privateKiB = 0;
  let rssKiB = 0;
  let seen = 0;
  for (const pid of pids) {
    // A backend that left meanwhile (pool recycling) is skipped; a pid that is not a
    // PostgreSQL process here means the server runs elsewhere.
    const [command, smaps] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
      readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => ''),
    ]);
    if (!command.includes('postgres') || !smaps) continue;
    seen++;
    privateKiB += field(smaps, 'Private_Clean') + field(smaps, 'Private_Dirty');
    rssKiB += field(smaps, 'Rss');
  }
  if (pids.length > 0 && seen === 0) return null;
  return {
    backends: seen,
    privateMiB: round(privateKiB / 1024, 1),
    rssMiB: round(rssKiB / 1024, 1),
  };
}
