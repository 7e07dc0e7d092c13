import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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
 */
export async function buildCli(): Promise<void> {
  await run('npm', ['run', '-s', 'build'], { cwd: root });
  if (!existsSync(join(root, 'dist/apps/cli/main.js'))) throw new Error('the CLI did not build');
}

/** `release` runs the CLI as it would be after a release that adds one column (see scripts/fleet). */
export async function runCommand(argv: string[], release?: Release): Promise<CommandResult> {
  const program = release
    ? [
        'dist/scripts/fleet/release-cli.js',
        release.columns.join(','),
        String(release.timestamp),
        ...argv,
      ]
    : ['dist/apps/cli/main.js', ...argv];
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATABASE_URL: testDatabaseUrl(),
  };
  const done = await run('node', program, { cwd: root, env, maxBuffer: 64 << 20 }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (typeof error.code !== 'number') throw error;
      return { code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
    },
  );
  return { ...done, json: <T>() => JSON.parse(done.stdout) as T };
}
