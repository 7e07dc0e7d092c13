import { loadConfig } from '@schoolyard/config';
import { Client } from 'pg';
import { type Comparison } from './abba';
import { type BaselineServer, ORGANIZATION_ROUTE, startBaselineServer } from './baselines';
import {
  type BenchServer,
  load,
  type LoadFigures,
  registerBenchSchools,
  signIn,
  startBenchServer,
  type RunOptions,
} from './harness';
import { type CpuPerRequest, CpuTally } from './cpu';
import { comparisonOf, medianOf, rotate, type Rotation } from './rotation';
import { httpJson } from './http';
import { enrollStudents } from './seed';
import { type WireCounts, wirePerRequest } from './round-trips';

type ServerName = 'product' | BaselineServer;

/**
 * Every arm of the one rotation, in the order of its even rounds: the two comparisons of each
 * line sit next to each other, so the least time passes between the runs they divide.
 */
export const ISOLATION_ORDER = [
  'studentsDataSourcePerSchool',
  'studentsBypass',
  'students',
  'nestPg',
  'school',
  'schoolBypass',
  'httpPg',
] as const;
export type IsolationArm = (typeof ISOLATION_ORDER)[number];

interface ArmSpec {
  server: ServerName;
  path: string;
  /** Sends the owner's token (the product's routes). */
  signedIn: boolean;
}

function armSpecs(organizationId: string): Record<IsolationArm, ArmSpec> {
  const product = (path: string): ArmSpec => ({ server: 'product', path, signedIn: true });
  const organization = `${ORGANIZATION_ROUTE}${organizationId}`;
  return {
    students: product('/api/students?pageSize=20'),
    studentsBypass: product('/bench/bypass/students?pageSize=20'),
    school: product('/api/school'),
    schoolBypass: product('/bench/bypass/school'),
    studentsDataSourcePerSchool: {
      server: 'dataSourcePerSchool',
      path: '/students?pageSize=20',
      signedIn: false,
    },
    nestPg: { server: 'nestPg', path: organization, signedIn: false },
    httpPg: { server: 'httpPg', path: organization, signedIn: false },
  };
}

/** One arm over the rotation: where it was sent, and its medians. */
export interface ArmFigures {
  server: ServerName;
  path: string;
  median: LoadFigures;
  /** Null when /proc could not tell (the database server runs elsewhere). */
  cpuPerRequest: CpuPerRequest | null;
}

/** The product's route with the full tenant path against the same services, tenancy bypassed. */
export interface RouteIsolation extends Comparison<'tenant' | 'bypass'> {
  path: string;
  wire: Record<'tenant' | 'bypass', WireCounts>;
  cpuPerRequest: Record<'tenant' | 'bypass', CpuPerRequest> | null;
}

/** Two arms of the rotation: medians of the per-round ratios, first over second. */
export interface ArmRatio {
  first: IsolationArm;
  second: IsolationArm;
  medianRatio: number;
  medianP99Ratio: number;
}

export interface IsolationResult {
  school: RouteIsolation;
  students: RouteIsolation;
  /** Against what users would pick instead, from the same rotation. */
  baselines: {
    studentsVsDataSourcePerSchool: ArmRatio;
    studentsVsNestPg: ArmRatio;
    schoolVsNestPg: ArmRatio;
    nestPgVsHttpPg: ArmRatio;
  };
  poolSize: number;
  arms: Record<IsolationArm, ArmFigures>;
  rotation: Rotation<IsolationArm>;
}

async function organizationOf(databaseUrl: string, host: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      'SELECT organization_id AS id FROM public.domains WHERE host = $1',
      [host],
    );
    if (!rows[0]) throw new Error(`no school at ${host}`);
    return rows[0].id;
  } finally {
    await client.end();
  }
}

/** The DataSource-per-school arm must read the product's page: the same students, in order. */
async function assertSamePage(
  product: BenchServer,
  baseline: BenchServer,
  host: string,
  bearer: Record<string, string>,
): Promise<void> {
  const ours = await httpJson(
    product.port,
    'GET',
    '/api/students?pageSize=20',
    host,
    undefined,
    bearer,
  );
  const theirs = await httpJson(baseline.port, 'GET', '/students?pageSize=20', host);
  const ourIds = (ours.body as { data: Array<{ id: string }> }).data.map((row) => row.id);
  const theirIds = (theirs.body as Array<{ profileId: string }>).map((row) => row.profileId);
  if (ourIds.length !== 20 || ourIds.join() !== theirIds.join())
    throw new Error('the DataSource-per-school arm reads another page than GET /api/students');
}

function ratioOf(rotation: Rotation<IsolationArm>, first: IsolationArm, second: IsolationArm) {
  const { medianRatio, medianP99Ratio } = comparisonOf(rotation, [first, first], [second, second]);
  return { first, second, medianRatio, medianP99Ratio };
}

/**
 * The cost of the tenant context, and where it leaves us against what users would pick
 * instead. One school with 50 students. GET /api/school and GET /api/students?pageSize=20
 * with the full tenant path and with tenancy bypassed (the same services), the students page
 * from a DataSource-per-school NestJS app, and one primary-key read from a minimal NestJS +
 * pg app and from node's http module + pg: every arm in one rotation, each server in a
 * process of its own.
 */
export async function measureIsolation(options: RunOptions): Promise<IsolationResult> {
  const poolSize = loadConfig({ DB_POOL_SIZE: process.env.DB_POOL_SIZE }).pool.size;
  const servers = new Map<ServerName, BenchServer>();
  try {
    const product = await startBenchServer(options.databaseUrl);
    servers.set('product', product);
    const [school] = await registerBenchSchools(product.port, 1, 'iso');
    const bearer = await signIn(product.port, school);
    await enrollStudents(product.port, school.host, bearer, 50);
    const specs = armSpecs(await organizationOf(options.databaseUrl, school.host));
    const baselines: BaselineServer[] = ['dataSourcePerSchool', 'nestPg', 'httpPg'];
    for (const name of baselines) {
      servers.set(name, await startBaselineServer(name, options.databaseUrl, poolSize));
    }
    const serverOf = (arm: IsolationArm) => servers.get(specs[arm].server) as BenchServer;
    await assertSamePage(product, serverOf('studentsDataSourcePerSchool'), school.host, bearer);

    const wire = async (arm: IsolationArm) =>
      wirePerRequest(product.port, { path: specs[arm].path, host: school.host, headers: bearer });
    const wires = {
      school: { tenant: await wire('school'), bypass: await wire('schoolBypass') },
      students: { tenant: await wire('students'), bypass: await wire('studentsBypass') },
    };

    const tallies = new Map<ServerName, CpuTally<IsolationArm>>();
    for (const [name, server] of servers) {
      tallies.set(name, new CpuTally(server.pid, options.databaseUrl));
    }
    const rotation = await rotate(
      ISOLATION_ORDER,
      (arm, durationSeconds) =>
        (tallies.get(specs[arm].server) as CpuTally<IsolationArm>).measure(arm, () =>
          load(serverOf(arm).port, {
            path: specs[arm].path,
            hosts: [school.host],
            headers: specs[arm].signedIn ? [bearer] : undefined,
            connections: options.connections,
            durationSeconds,
          }),
        ),
      options,
    );

    const cpuOf = (arm: IsolationArm) =>
      tallies.get(specs[arm].server)?.medians([arm])?.[arm] ?? null;
    const arms = {} as Record<IsolationArm, ArmFigures>;
    for (const arm of ISOLATION_ORDER) {
      const { server, path } = specs[arm];
      arms[arm] = { server, path, median: medianOf(rotation, arm), cpuPerRequest: cpuOf(arm) };
    }
    const route = (tenant: IsolationArm, bypass: IsolationArm, wire: RouteIsolation['wire']) => {
      const cpu = { tenant: cpuOf(tenant), bypass: cpuOf(bypass) };
      return {
        path: specs[tenant].path,
        wire,
        ...comparisonOf(rotation, ['tenant', tenant], ['bypass', bypass]),
        cpuPerRequest: cpu.tenant && cpu.bypass ? { tenant: cpu.tenant, bypass: cpu.bypass } : null,
      };
    };
    return {
      school: route('school', 'schoolBypass', wires.school),
      students: route('students', 'studentsBypass', wires.students),
      baselines: {
        studentsVsDataSourcePerSchool: ratioOf(rotation, 'students', 'studentsDataSourcePerSchool'),
        studentsVsNestPg: ratioOf(rotation, 'students', 'nestPg'),
        schoolVsNestPg: ratioOf(rotation, 'school', 'nestPg'),
        nestPgVsHttpPg: ratioOf(rotation, 'nestPg', 'httpPg'),
      },
      poolSize,
      arms,
      rotation,
    };
  } finally {
    for (const server of servers.values()) await server.stop();
  }
}
