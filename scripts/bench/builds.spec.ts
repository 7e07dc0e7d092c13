import { type BuildsResult, migrationPlan, type RouteAcrossBuilds } from './builds';
import { markdownTable, summaryRows } from './report';

function route(path: string, ratio: number, sameAnswer = true): RouteAcrossBuilds {
  const median = {
    this: { requestsPerSecond: 1150, p99Ms: 40 },
    other: { requestsPerSecond: 1200.4, p99Ms: 38 },
  };
  return {
    path,
    sameAnswer,
    rounds: [median],
    median,
    medianRatio: ratio,
    medianP99Ratio: 1.05,
    cpuPerRequest: {
      this: { apiUs: 410, postgresUs: 300 },
      other: { apiUs: 430, postgresUs: 310 },
    },
  };
}

function builds(school: RouteAcrossBuilds, students: RouteAcrossBuilds): BuildsResult {
  return {
    commits: { this: 'e0f0614-dirty', other: 'fad506a' },
    migrationsOnlyIn: { this: [], other: [] },
    startedFirst: 'this',
    school,
    students,
    rotation: { order: [], rounds: [] },
  };
}

describe('builds benchmark', () => {
  it('starts the build whose migrations the other has first, and refuses builds that diverge', () => {
    const older = ['public/1-Platform', 'tenant/2-School'];
    const newer = [...older, 'tenant/3-People'];
    expect(migrationPlan({ this: newer, other: older })).toEqual({
      order: ['other', 'this'],
      onlyIn: { this: ['tenant/3-People'], other: [] },
    });
    expect(migrationPlan({ this: older, other: newer }).order).toEqual(['this', 'other']);
    expect(migrationPlan({ this: older, other: [...older] }).order).toEqual(['this', 'other']);
    expect(() =>
      migrationPlan({ this: [...older, 'tenant/3-People'], other: [...older, 'tenant/3-Fees'] }),
    ).toThrow('only this build: tenant/3-People; only the other: tenant/3-Fees');
  });

  it('prints one line per route, this build over the other, judged against a small fall', () => {
    const rows = summaryRows({
      builds: builds(route('/api/school', 0.96), route('/api/students?pageSize=20', 0.94, false)),
    });
    expect(rows.map((row) => [row.line, row.ratio, row.target, row.status])).toEqual([
      ['/api/school: this build (e0f0614-dirty) vs fad506a', '0.96', '>= 0.95', 'met'],
      [
        '/api/students?pageSize=20: this build (e0f0614-dirty) vs fad506a',
        '0.94',
        '>= 0.95',
        'missed',
      ],
    ]);
    expect(rows[0].measured).toBe(
      '1,150/s vs 1,200/s, p99 40 ms vs 38 ms; CPU/request API 410 vs 430 µs, PostgreSQL 300 vs 310 µs',
    );
    expect(rows[1].measured).toMatch(/; the builds answer differently$/);
    expect(markdownTable(rows)).toContain(
      '| /api/school: this build (e0f0614-dirty) vs fad506a | 1,150/s vs 1,200/s,',
    );
  });

  it('leaves CPU out when /proc could not tell', () => {
    const [row] = summaryRows({
      builds: builds(
        { ...route('/api/school', 1.02), cpuPerRequest: null },
        route('/api/students?pageSize=20', 1),
      ),
    });
    expect(row.measured).toBe('1,150/s vs 1,200/s, p99 40 ms vs 38 ms');
  });
});
