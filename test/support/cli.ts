import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testDatabaseUrl } from './test-app';

const run = promisify(execFile);
// `npm test` runs from the project's root, where the build writes dist/.
const root = process.cwd();

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout read as the one JSON document `--json` prints. */
  json<T = unknown>(): T;
}

export interface Release {
  columns: string[];
  timestamp: number;
}

/**
 * The CLI is tested as a maintainer runs it: the built binary, in a process of its own, with
 * its real exit code. (It cannot run inside Jest: nest-commander is CommonJS and requires
 * NestJS's ES modules, which Jest's module system allows only on newer Node.)
 *
 * Several suites need the build and Jest runs two at once: the first to get here builds, under
 * a lock, and marks dist/ with this run's database; the others wait and find it built. A
 * second build would rewrite dist/ under a process another suite has just started.
 */
export async function buildCli(): Promise<void> {
  const lock = join(
    tmpdir(),
    `schoolyard-build-${createHash('sha1').update(root).digest('hex').slice(0, 12)}`,
  );
  const stamp = join(root, 'dist', '.built-for-test-run');
  const runId = testDatabaseUrl();
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // A lock left by a run that was killed mid-build is older than any real build.
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > 5 * 60_000) await rmdir(lock).catch(() => undefined);
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  try {
    const built = await readFile(stamp, 'utf8').catch(() => '');
    if (built === runId && existsSync(join(root, 'dist/apps/cli/main.js'))) return;
    await run('npm', ['run', '-s', 'build'], { cwd: root });
    if (!existsSync(join(root, 'dist/apps/cli/main.js'))) throw new Error('the CLI did not build');
    await writeFile(stamp, runId);
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** The environment a built program of this run gets: the run's database, quiet logs. */
export function builtEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATABASE_URL: testDatabaseUrl(),
    ...extra,
  };
}

function programOf(argv: string[], release?: Release): string[] {
  return release
    ? [
        'dist/scripts/fleet/release-cli.js',
        release.columns.join(','),
        String(release.timestamp),
        ...argv,
      ]
    : ['dist/apps/cli/main.js', ...argv];
}

/** Starts the CLI without waiting for it, for a test that kills it midway. */
export function spawnCommand(argv: string[], release?: Release): ChildProcess {
  return spawn('node', programOf(argv, release), {
    cwd: root,
    env: builtEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits until `child` has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/**
 * `release` runs the CLI as it would be after a release that adds one column (see
 * scripts/fleet); `env` adds to its environment, as an operator's configuration would.
 */
export async function runCommand(
  argv: string[],
  release?: Release,
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const done = await run('node', programOf(argv, release), {
    cwd: root,
    env: builtEnv(env),
    maxBuffer: 64 << 20,
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (typeof error.code !== 'number') throw error;
      return { code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
    },
  );
  return { ...done, json: <T>() => JSON.parse(done.stdout) as T };
}
