import autocannon from 'autocannon';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { httpJson } from './http';

export const BENCH_PASSWORD = 'benchmark password';

/** What every side-by-side benchmark takes. */
export interface RunOptions {
  databaseUrl: string;
  rounds: number;
  durationSeconds: number;
  connections: number;
}

export interface BenchServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A compiled server script in a child process: it tells its port over IPC once it listens,
 * and stops on SIGTERM. The benchmark servers of this build and of another checkout, and the
 * baselines, all start this way.
 */
export async function forkServer(
  script: string,
  env: Record<string, string>,
  name: string,
): Promise<BenchServer> {
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const child: ChildProcess = fork(script, [], {
    // `--cpu-prof`: each server writes a V8 profile when it stops (open it in Chrome's DevTools).
    execArgv: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error(`${name} exited before listening`);
    }),
  ])) as [{ port: number }];
  return {
    port: message.port,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * The API in a child process, so the load generator does not share its event loop: this
 * build's bench server, or another build's compiled one (the `builds` benchmark).
 */
export async function startBenchServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  script?: string,
): Promise<BenchServer> {
  return forkServer(
    script ?? join(__dirname, 'bench-server.js'),
    {
      BENCH_DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      // Production mode refuses eSewa's public test secret unless told; benchmarks make no payment.
      ESEWA_ALLOW_TEST_SECRET: 'true',
      // Throughput benchmarks send far more than any plan allows; noisy-neighbour turns them on.
      RATE_LIMITS: 'false',
      ...env,
    },
    script ? `the benchmark server ${script}` : 'the benchmark server',
  );
}

export interface BenchSchool {
  host: string;
  ownerUsername: string;
}

export async function registerBenchSchools(
  port: number,
  count: number,
  prefix = 'bench',
): Promise<BenchSchool[]> {
  const schools: BenchSchool[] = [];
  for (let i = 0; i < count; i++) {
    const subdomain = `${prefix}${i}`;
    const made = await httpJson(port, 'POST', '/api/organizations/register', 'localhost', {
      name: `Bench school ${i}`,
      subdomain,
      owner: {
        firstName: 'Bench',
        lastName: `Owner${i}`,
        email: `owner${i}@${prefix}.example`,
        password: BENCH_PASSWORD,
      },
    });
    if (made.status !== 201)
      throw new Error(`registration answered ${made.status}: ${JSON.stringify(made.body)}`);
    const body = made.body as { organization: { host: string }; owner: { username: string } };
    schools.push({ host: body.organization.host, ownerUsername: body.owner.username });
  }
  return schools;
}

export interface LoadSpec {
  method?: 'GET' | 'POST';
  /** One path, or several that each connection takes in turn (a mixed workload). */
  path: string | string[];
  hosts: string[];
  /** Extra headers for the request to hosts[i] (a bearer token for that school). */
  headers?: Array<Record<string, string>>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead of after the duration. */
  amount?: number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  p99Ms: number;
  /** Requests answered in the run. */
  requests?: number;
}

/** autocannon over loopback, spreading requests over the given hosts; any non-2xx fails the run. */
export async function load(port: number, spec: LoadSpec): Promise<LoadFigures> {
  let next = 0;
  const paths = typeof spec.path === 'string' ? [spec.path] : spec.path;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: spec.connections,
    duration: spec.durationSeconds,
    ...(spec.amount ? { amount: spec.amount } : {}),
    requests: paths.map((path) => ({
      method: spec.method ?? 'GET',
      path,
      body: spec.body,
      setupRequest: (request) => {
        const at = next++ % spec.hosts.length;
        return {
          ...request,
          headers: {
            ...request.headers,
            ...spec.headers?.[at],
            host: spec.hosts[at],
            ...(spec.body ? { 'content-type': 'application/json' } : {}),
          },
        };
      },
    })),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${paths.join(', ')}: ${result.non2xx} non-2xx answers and ${result.errors} errors`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

/** Signs a school's owner in through the API; answers the bearer header. */
export async function signIn(port: number, school: BenchSchool): Promise<Record<string, string>> {
  const signedIn = await httpJson(port, 'POST', '/api/auth/login', school.host, {
    username: school.ownerUsername,
    password: BENCH_PASSWORD,
  });
  if (signedIn.status !== 200) throw new Error(`sign-in answered ${signedIn.status}`);
  return { authorization: `Bearer ${(signedIn.body as { accessToken: string }).accessToken}` };
}
