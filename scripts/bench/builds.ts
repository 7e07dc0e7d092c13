import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Comparison } from './abba';
import { type CpuPerRequest, CpuTally } from './cpu';
import {
  type BenchServer,
  load,
  registerBenchSchools,
  type RunOptions,
  signIn,
  startBenchServer,
} from './harness';
import { httpJson } from './http';
import { comparisonOf, rotate, type Rotation } from './rotation';
import { enrollStudents } from './seed';

export type Build = 'this' | 'other';

const ROUTES = { school: '/api/school', students: '/api/students?pageSize=20' } as const;
type Route = keyof typeof ROUTES;

/** The even rounds' order: the two builds of a route run next to each other. */
export const BUILDS_ORDER = ['schoolThis', 'schoolOther', 'studentsOther', 'studentsThis'] as const;
export type BuildsArm = (typeof BUILDS_ORDER)[number];

const ARMS: Record<BuildsArm, { route: Route; build: Build }> = {
  schoolThis: { route: 'school', build: 'this' },
  schoolOther: { route: 'school', build: 'other' },
  studentsOther: { route: 'students', build: 'other' },
  studentsThis: { route: 'students', build: 'this' },
};

/** One route on both builds: medians of each, and the median of per-round ratios, this over other. */
export interface RouteAcrossBuilds extends Comparison<Build> {
  path: string;
  /** Whether both builds answered the same body before the run (the same work is compared). */
  sameAnswer: boolean;
  /** Null when /proc could not tell (the database server runs elsewhere). */
  cpuPerRequest: Record<Build, CpuPerRequest> | null;
}

export interface BuildsResult {
  /** `git describe` of each checkout (a `-dirty` suffix: uncommitted changes). */
  commits: Record<Build, string>;
  /** Migrations one build has and the other lacks (public/… and tenant/…). */
  migrationsOnlyIn: Record<Build, string[]>;
  /** The build whose server prepared the database first; the other registered the school. */
  startedFirst: Build;
  school: RouteAcrossBuilds;
  students: RouteAcrossBuilds;
  rotation: Rotation<BuildsArm>;
}

export interface BuildsOptions extends RunOptions {
  /** Root of the other checkout; `npm run build` must have been run there. */
  against: string;
}

function describeCommit(root: string): string {
  try {
    return execFileSync('git', ['-C', root, 'describe', '--always', '--dirty'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** A build's migrations, by the compiled files its server loads. */
function compiledMigrations(root: string): string[] {
  return ['public', 'tenant'].flatMap((kind) => {
    const dir = join(root, 'dist', 'migrations', kind);
    if (!existsSync(dir)) throw new Error(`no compiled migrations in ${dir}: build it first`);
    return readdirSync(dir)
      .filter((file) => /^\d+-.+\.js$/.test(file))
      .map((file) => `${kind}/${file.slice(0, -'.js'.length)}`);
  });
}

/**
 * Which server starts first. Each prepares the database when it starts, so the build whose
 * migrations the other's are a part of (the older) goes first: the newer then applies the
 * rest and grants what it needs last, as in a rolling deploy. The other way round, the older
 * build's start-up would grant privileges on tables the newer one may have changed.
 */
export function migrationPlan(migrations: Record<Build, string[]>): {
  order: [Build, Build];
  onlyIn: Record<Build, string[]>;
} {
  const only = (a: Build, b: Build) => migrations[a].filter((m) => !migrations[b].includes(m));
  const onlyIn = { this: only('this', 'other'), other: only('other', 'this') };
  if (onlyIn.this.length === 0) return { order: ['this', 'other'], onlyIn };
  if (onlyIn.other.length === 0) return { order: ['other', 'this'], onlyIn };
  throw new Error(
    `the builds' migrations diverge (only this build: ${onlyIn.this.join(', ')}; only the other: ${onlyIn.other.join(', ')}): neither build's database is a stage of the other's`,
  );
}

async function answer(
  server: BenchServer,
  path: string,
  host: string,
  bearer: Record<string, string>,
): Promise<string> {
  const got = await httpJson(server.port, 'GET', path, host, undefined, bearer);
  if (got.status !== 200) throw new Error(`${path} answered ${got.status} before the run`);
  return JSON.stringify(got.body);
}

/**
 * The request path of this build against another checkout's, side by side: both bench
 * servers on one database, one school with 50 students, GET /api/school and
 * GET /api/students?pageSize=20 with the owner's token on each build, every arm in one
 * rotation. Both servers get the same JWT secret and credentials key, so one sign-in serves both.
 */
export async function measureBuilds(options: BuildsOptions): Promise<BuildsResult> {
  // This checkout's root: this file runs compiled, from dist/scripts/bench.
  const roots: Record<Build, string> = {
    this: resolve(__dirname, '../../..'),
    other: resolve(options.against),
  };
  const otherScript = join(roots.other, 'dist', 'scripts', 'bench', 'bench-server.js');
  if (!existsSync(otherScript))
    throw new Error(`no ${otherScript}: run \`npm run build\` in ${roots.other} first`);
  // Undefined: this build's own, as every other benchmark starts it.
  const scripts: Record<Build, string | undefined> = { this: undefined, other: otherScript };
  const { order, onlyIn } = migrationPlan({
    this: compiledMigrations(roots.this),
    other: compiledMigrations(roots.other),
  });
  const shared = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
  };
  const servers = new Map<Build, BenchServer>();
  try {
    // One after the other: the second prepares a database the first has already prepared.
    for (const build of order) {
      servers.set(build, await startBenchServer(options.databaseUrl, shared, scripts[build]));
    }
    const serverOf = (build: Build) => servers.get(build) as BenchServer;
    // The newer build (started second) registers: the school gets its tenant migrations.
    const newer = serverOf(order[1]);
    const [school] = await registerBenchSchools(newer.port, 1, 'builds');
    const bearer = await signIn(newer.port, school);
    await enrollStudents(newer.port, school.host, bearer, 50);
    const sameAnswer = {} as Record<Route, boolean>;
    for (const route of Object.keys(ROUTES) as Route[]) {
      const [ours, theirs] = await Promise.all(
        (['this', 'other'] as const).map((b) =>
          answer(serverOf(b), ROUTES[route], school.host, bearer),
        ),
      );
      sameAnswer[route] = ours === theirs;
    }

    const tallies = {
      this: new CpuTally<BuildsArm>(serverOf('this').pid, options.databaseUrl),
      other: new CpuTally<BuildsArm>(serverOf('other').pid, options.databaseUrl),
    };
    const rotation = await rotate(
      BUILDS_ORDER,
      (arm, durationSeconds) =>
        tallies[ARMS[arm].build].measure(arm, () =>
          load(serverOf(ARMS[arm].build).port, {
            path: ROUTES[ARMS[arm].route],
            hosts: [school.host],
            headers: [bearer],
            connections: options.connections,
            durationSeconds,
          }),
        ),
      options,
    );

    const route = (name: Route, thisArm: BuildsArm, otherArm: BuildsArm): RouteAcrossBuilds => {
      const ours = tallies.this.medians([thisArm])?.[thisArm];
      const theirs = tallies.other.medians([otherArm])?.[otherArm];
      return {
        path: ROUTES[name],
        sameAnswer: sameAnswer[name],
        ...comparisonOf(rotation, ['this', thisArm], ['other', otherArm]),
        cpuPerRequest: ours && theirs ? { this: ours, other: theirs } : null,
      };
    };
    return {
      commits: { this: describeCommit(roots.this), other: describeCommit(roots.other) },
      migrationsOnlyIn: onlyIn,
      startedFirst: order[0],
      school: route('school', 'schoolThis', 'schoolOther'),
      students: route('students', 'studentsThis', 'studentsOther'),
      rotation,
    };
  } finally {
    for (const server of servers.values()) await server.stop();
  }
}
