import autocannon from 'autocannon';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { httpJson } from './http';
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

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(__dirname, 'bench-server.js'), [], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('the benchmark server exited before listening');
    }),
  ])) as [{ port: number }];
  return { child, port: message.port };
}

async function load(port: number, arm: Arm, hosts: string[], options: OverheadOptions) {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'GET',
        path: arm.path,
        // Spread the load over every school, as a fleet would.
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, host: hosts[next++ % hosts.length] },
        }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${arm.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99 };
}

/**
 * Throughput of the same school-settings read with the full tenant context against the
 * same read with tenancy bypassed, alternating the two in every round (ABBA) so drift in a
 * noisy machine's speed falls on both alike.
 */
export async function measureTenantOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const { child, port } = await startServer(options.databaseUrl);
  try {
    const hosts: string[] = [];
    for (let i = 0; i < options.schools; i++) {
      const subdomain = `bench${i}`;
      const made = await httpJson(port, 'POST', '/api/organizations/register', 'localhost', {
        name: `Bench school ${i}`,
        subdomain,
        owner: {
          firstName: 'Bench',
          lastName: `Owner${i}`,
          email: `owner${i}@bench.example`,
          password: 'benchmark password',
        },
      });
      if (made.status !== 201) throw new Error(`registration answered ${made.status}`);
      hosts.push(`${subdomain}.localhost`);
    }
    for (const arm of ARMS) await load(port, arm, hosts, { ...options, durationSeconds: 2 });

    const rounds: OverheadResult['rounds'] = [];
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? ARMS : [...ARMS].reverse();
      const round: Partial<OverheadResult['rounds'][number]> = {};
      for (const arm of order) round[arm.name] = await load(port, arm, hosts, options);
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
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}
