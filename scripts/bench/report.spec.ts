import { type Comparison } from './abba';
import { markdownTable, summaryRows } from './report';
import { type RouteIsolation } from './isolation';
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
    const rows = summaryRows({
      isolation: { school: route('/api/school', 0.85), students: route('/api/students', 0.84) },
    });
    expect(rows.map((row) => [row.line, row.ratio, row.status])).toEqual([
      ['1. /api/school: tenant vs bypassed', '0.85', 'met'],
      ['1. /api/students: tenant vs bypassed', '0.84', 'missed'],
    ]);
    expect(rows[0].measured).toContain('round trips 2 vs 1, statements 4 vs 1');
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
    const table = markdownTable(
      summaryRows({ isolation: { school: route('/api/school', 0.9), students: route('/x', 1) } }),
    );
    const lines = table.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('| Figure | Measured (median of rounds) | Ratio | Target | Status |');
    expect(lines[2]).toMatch(
      /^\| 1\. \/api\/school: tenant vs bypassed \| .* \| 0\.9 \| >= 0\.85 \| met \|$/,
    );
  });
});
