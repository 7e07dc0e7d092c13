import { loadConfig } from '@schoolyard/config';
import { databaseNameOf, withDatabase } from '@schoolyard/database';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { type Comparison, compareAbba } from './abba';
import {
  type LoadFigures,
  load,
  registerBenchSchools,
  type RunOptions,
  startBenchServer,
} from './harness';

const run = promisify(execFile);

export const CEILING_ARMS = ['http', 'pgbench'] as const;
type Arm = (typeof CEILING_ARMS)[number];

export interface CeilingResult extends Comparison<Arm> {
  /** pgbench's clients: the API's own pool size, so both sides hold as many connections. */
  pgbenchClients: number;
}

function pgbenchBinary(): string | undefined {
  return ['/usr/bin/pgbench', '/usr/local/bin/pgbench'].find((path) => existsSync(path));
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function pgbench(binary: string, url: string, args: string[]): Promise<string> {
  const { stdout } = await run(binary, [...args, url], { maxBuffer: 16 << 20 });
  return stdout;
}

/**
 * The school read through the whole HTTP path (GET /api/school, tenant transaction) against
 * `pgbench -S` (one primary-key SELECT per transaction) on a scratch database of the same
 * server, with as many clients as the API's pool has connections; ABBA rounds. Null when no
 * pgbench is installed.
 */
export async function measureCeiling(options: RunOptions): Promise<CeilingResult | null> {
  const binary = pgbenchBinary();
  if (!binary) return null;
  const scratch = `${databaseNameOf(options.databaseUrl)}_pgbench`;
  const scratchUrl = withDatabase(options.databaseUrl, scratch);
  const clients = loadConfig({}).pool.size;
  await admin(options.databaseUrl, `CREATE DATABASE "${scratch}"`);
  const server = await startBenchServer(options.databaseUrl);
  try {
    await pgbench(binary, scratchUrl, ['-i', '-q', '-s', '1']);
    const [school] = await registerBenchSchools(server.port, 1, 'ceiling');
    const arms: Record<Arm, (seconds: number) => Promise<LoadFigures>> = {
      http: (durationSeconds) =>
        load(server.port, {
          path: '/api/school',
          hosts: [school.host],
          connections: options.connections,
          durationSeconds,
        }),
      pgbench: async (seconds) => {
        const out = await pgbench(binary, scratchUrl, [
          '-S',
          '-n',
          '-c',
          String(clients),
          '-j',
          '2',
          '-T',
          String(seconds),
        ]);
        const tps = /tps = ([\d.]+)/.exec(out);
        const latency = /latency average = ([\d.]+) ms/.exec(out);
        if (!tps) throw new Error(`pgbench said: ${out}`);
        // pgbench reports an average latency, not a p99: the table shows it as such.
        return { requestsPerSecond: Number(tps[1]), p99Ms: Number(latency?.[1] ?? NaN) };
      },
    };
    const comparison = await compareAbba(
      CEILING_ARMS,
      (arm, seconds) => arms[arm](seconds),
      options,
    );
    return { ...comparison, pgbenchClients: clients };
  } finally {
    await server.stop();
    await admin(options.databaseUrl, `DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
  }
}
