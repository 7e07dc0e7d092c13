import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@schoolyard/database';

export interface PgBouncer {
  port: number;
  /** `url` with its host and port swapped for PgBouncer's. */
  through(url: string): string;
  /** What PgBouncer printed (its log goes to standard error). */
  output(): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** Logins PgBouncer accepts; each must exist in the server with this password. */
  logins: Array<{ user: string; password: string }>;
  /** Server connections per database and user: fewer than the API's pool, so they are shared. */
  poolSize: number;
}

/** Debian installs it outside a non-root PATH; `.ci/run` installs it when missing. */
function pgbouncerBinary(): string {
  for (const candidate of [
    '/usr/sbin/pgbouncer',
    '/usr/bin/pgbouncer',
    '/usr/local/bin/pgbouncer',
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PgBouncer is not installed: apt-get install -y pgbouncer (.ci/run does it)');
  }
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PgBouncer exited at start:\n${output()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => done(socket.end() && true));
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`PgBouncer did not listen on ${port}:\n${output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;

/**
 * A PgBouncer of the test's own, on a free loopback port, in transaction-pooling mode in front
 * of the server `serverUrl` names (the embedded one or the machine's), with the settings of
 * docker/pgbouncer.ini that the Debian package (1.18) knows. Clients are trusted by name (the
 * userlist must still list them); the userlist's plain passwords log in to PostgreSQL.
 */
export async function startPgBouncer(
  serverUrl: string,
  options: PgBouncerOptions,
): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  const server = new URL(serverUrl);
  const folder = await mkdtemp(join(tmpdir(), 'schoolyard-pgbouncer-'));
  // PgBouncer refuses to run as root; it then runs as `postgres`, who must read its files.
  await chmod(folder, 0o755);
  const port = await freePort();
  const userlist = join(folder, 'userlist.txt');
  await writeFile(
    userlist,
    options.logins.map((login) => `${quoted(login.user)} ${quoted(login.password)}\n`).join(''),
    { mode: 0o644 },
  );
  const ini = join(folder, 'pgbouncer.ini');
  await writeFile(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || '5432'}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${userlist}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 500',
      'server_lifetime = 600',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), ini], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const output = () => log;
  try {
    await waitForPort(port, child, output);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    through: (url: string) => {
      const routed = new URL(url);
      routed.hostname = '127.0.0.1';
      routed.port = String(port);
      return routed.toString();
    },
    output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        // SIGTERM: immediate shutdown, which is all a test's bouncer needs.
        child.kill('SIGTERM');
        // The grace timer is cleared once the bouncer is gone: left running, it held the Jest
        // worker for three seconds after the suite, and Jest killed it.
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((done) => (grace = setTimeout(done, 3_000)))]);
        clearTimeout(grace);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}
