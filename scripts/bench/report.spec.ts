import { type Comparison } from './abba';
import { markdownTable, summaryRows } from './report';
import {
  type ArmFigures,
  type IsolationArm,
  type IsolationResult,
  type RouteIsolation,
} from './isolation';
import { type FleetResult } from './fleet';

function comparison<N extends string>(
  arms: [N, N],
  rps: [number, number],
  p99: [number, number],
  ratios: { throughput: number; p99: number },
): Comparison<N> {
  const median = {
    [arms[0]]: { requestsPerSecond: rps[0], p99Ms: p99[0] },
    [arms[1]]: { requestsPerSecond: rps[1], p99Ms: p99[1] },
  } as Comparison<N>['median'];
  return { rounds: [median], median, medianRatio: ratios.throughput, medianP99Ratio: ratios.p99 };
}

const wire = { messages: 1, roundTrips: 1, statements: 1 };

function route(path: string, ratio: number): RouteIsolation {
  return {
    path,
    ...comparison(['tenant', 'bypass'], [900, 1000], [20, 18], { throughput: ratio, p99: 1.1 }),
    wire: { tenant: { ...wire, roundTrips: 2, statements: 4 }, bypass: wire },
    cpuPerRequest: null,
  };
}

function provisioning(p50Ms: number, flatRatio = 1) {
  return {
    schools: 200,
    p50Ms,
    p95Ms: p50Ms * 2,
    maxMs: 500,
    flatness: { window: 100, firstP50Ms: p50Ms, lastP50Ms: p50Ms * flatRatio, ratio: flatRatio },
    msPerRelation: p50Ms / 40,
    catalogPerSchool: { relations: 40, kiB: 300 },
    ownerBackends: null,
    latenciesMs: [],
  };
}

function arm(path: string, requestsPerSecond: number, apiUs?: number): ArmFigures {
  return {
    server: 'product',
    path,
    median: { requestsPerSecond, p99Ms: 10 },
    cpuPerRequest: apiUs === undefined ? null : { apiUs, postgresUs: 50 },
  };
}

/** The isolation rotation, its four baseline ratios given (students vs DataSource first). */
function isolation(
  school: number,
  students: number,
  baselines: [number, number, number, number],
): IsolationResult {
  const ratio = (first: IsolationArm, second: IsolationArm, medianRatio: number) => ({
    first,
    second,
    medianRatio,
    medianP99Ratio: 1,
  });
  return {
    school: route('/api/school', school),
    students: route('/api/students?pageSize=20', students),
    baselines: {
      studentsVsDataSourcePerSchool: ratio('students', 'studentsDataSourcePerSchool', baselines[0]),
      studentsVsNestPg: ratio('students', 'nestPg', baselines[1]),
      schoolVsNestPg: ratio('school', 'nestPg', baselines[2]),
      nestPgVsHttpPg: ratio('nestPg', 'httpPg', baselines[3]),
    },
    poolSize: 10,
    arms: {
      students: arm('/api/students?pageSize=20', 900, 700),
      studentsBypass: arm('/bench/bypass/students?pageSize=20', 1000),
      studentsDataSourcePerSchool: arm('/students?pageSize=20', 300, 2100),
      school: arm('/api/school', 1200),
      schoolBypass: arm('/bench/bypass/school', 1300),
      nestPg: arm('/organizations/x', 2400, 300),
      httpPg: arm('/organizations/x', 6000, 100),
    },
    rotation: { order: [], rounds: [] },
  };
}

function fleet(flat: { throughput: number; p99: number }, p50Ms: number, releaseSeconds: number) {
  const release = {
    concurrency: 4,
    seconds: [releaseSeconds],
    medianSeconds: releaseSeconds,
    msPerSchool: 1,
    timesReplay: 1,
  };
  return {
    provisioning: provisioning(p50Ms),
    buildSeconds: 1,
    migration: {
      schools: 1000,
      noOpMigrate: { commandSeconds: 0.01, processSeconds: 2 },
      replayOneSchoolMs: 40,
      release: [release],
      best: release,
    },
    flatness: {
      schools: 1000,
      ...comparison(['fleet', 'one'], [850, 1000], [30, 25], flat),
      cpuPerRequest: null,
      memoryAfterRuns: [],
      recycling: [{ maxUses: 'unbounded' as const, memory: null }],
    },
  } satisfies FleetResult;
}

describe('benchmark summary', () => {
  it('judges each target from the measured ratio', () => {
    const rows = summaryRows({ isolation: isolation(0.85, 0.84, [3, 0.29, 0.5, 0.4]) });
    expect(rows.map((row) => [row.line, row.ratio, row.target, row.status])).toEqual([
      ['1. /api/school: tenant vs bypassed', '0.85', '>= 0.85', 'met'],
      ['1. /api/students?pageSize=20: tenant vs bypassed', '0.84', '>= 0.85', 'missed'],
      [
        '1. /api/students?pageSize=20: tenant vs DataSource per school (TypeORM find, the tutorial design)',
        '3',
        '>= 3',
        'met',
      ],
      [
        '1. /api/students?pageSize=20: tenant vs minimal NestJS + pg (one primary-key read, pool of 10)',
        '0.29',
        '>= 0.3',
        'missed',
      ],
      [
        '1. /api/school: tenant vs minimal NestJS + pg (one primary-key read, pool of 10)',
        '0.5',
        '>= 0.5',
        'met',
      ],
      ['1. minimal NestJS + pg vs node http + pg (the ceiling), the same read', '0.4', '', ''],
    ]);
    expect(rows[0].measured).toContain('round trips 2 vs 1, statements 4 vs 1');
  });

  it("shows each baseline's throughput, and its CPU per request when both arms have it", () => {
    const rows = summaryRows({ isolation: isolation(1, 1, [3, 0.3, 0.5, 0.4]) });
    expect(rows[2].measured).toBe(
      '900/s vs 300/s, p99 10 ms vs 10 ms; CPU/request API 700 vs 2100 µs, PostgreSQL 50 vs 50 µs',
    );
    expect(rows[5].measured).toContain('2,400/s vs 6,000/s');
    expect(rows[5].measured).toContain('API 300 vs 100 µs');
    expect(rows[4].measured).not.toContain('CPU');
  });

  it('needs both the throughput and the p99 ratio for fleet flatness', () => {
    const status = (flat: { throughput: number; p99: number }) =>
      summaryRows({ fleet: fleet(flat, 100, 20) }).find((row) => row.line.startsWith('2. mixed'))
        ?.status;
    expect(status({ throughput: 0.9, p99: 1.3 })).toBe('met');
    expect(status({ throughput: 0.9, p99: 1.31 })).toBe('missed');
    expect(status({ throughput: 0.84, p99: 1 })).toBe('missed');
  });

  it('judges provisioning p50 and the release time, and says when memory cannot be read', () => {
    const rows = summaryRows({ fleet: fleet({ throughput: 1, p99: 1 }, 151, 30) });
    expect(rows.find((row) => row.line.startsWith('3.'))?.status).toBe('missed');
    expect(rows.find((row) => row.line.startsWith('4.'))?.status).toBe('met');
    expect(rows.find((row) => row.line.startsWith('2. backend'))?.measured).toContain(
      'server not on this machine',
    );
  });

  it('judges registration flatness, last 100 over first 100, and shows ms per relation', () => {
    const versusFresh = { window: 100, longLivedP50Ms: 130, freshP50Ms: 125, ratio: 1.04 };
    const rows = (ratio: number) =>
      summaryRows({
        provisioning: {
          shipped: { ...provisioning(120, ratio), versusFresh },
          neverRecycled: { ...provisioning(150, 3), versusFresh: { ...versusFresh, ratio: 2.5 } },
        },
      }).map((row) => [row.line, row.ratio, row.target, row.status]);
    expect(rows(1.2)).toEqual([
      ['3. registration over 200 schools', '', 'p50 <= 150 ms', 'met'],
      ['3. registration p50, last 100 vs first 100', '1.2', '<= 1.2', 'met'],
      ['3. the last 100 vs as many by a new API process, taking turns', '1.04', '', ''],
      ['3. the same, next, owner connections never recycled', '3', '', ''],
    ]);
    expect(rows(1.21)[1][3]).toBe('missed');
    const kept = summaryRows({
      provisioning: {
        shipped: provisioning(120),
        neverRecycled: { ...provisioning(150, 3), versusFresh: { ...versusFresh, ratio: 2.5 } },
      },
    }).at(-1);
    expect(kept?.measured).toContain('last 100 130 ms vs a new process 125 ms (2.5)');
    // The fleet benchmark reports the same two lines from its own registrations.
    const fleetRows = summaryRows({ fleet: fleet({ throughput: 1, p99: 1 }, 120, 20) });
    expect(fleetRows.filter((row) => row.line.startsWith('3.'))).toHaveLength(2);
    expect(fleetRows.find((row) => row.line.startsWith('3.'))?.measured).toContain(
      '3 ms per relation',
    );
  });

  it('prints a Markdown table with one line per row', () => {
    const table = markdownTable(summaryRows({ isolation: isolation(0.9, 1, [3, 1, 1, 1]) }));
    const lines = table.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe('| Figure | Measured (median of rounds) | Ratio | Target | Status |');
    expect(lines[2]).toMatch(
      /^\| 1\. \/api\/school: tenant vs bypassed \| .* \| 0\.9 \| >= 0\.85 \| met \|$/,
    );
  });
});
