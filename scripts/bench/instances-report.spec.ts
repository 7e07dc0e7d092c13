import { loadConfig } from '@schoolyard/config';
import { type InstancesResult, type RouteAcrossInstances, SHARED_LIMITS_ENV } from './instances';
import { markdownTable, summaryRows } from './report';

function route(path: string, ratio: number): RouteAcrossInstances {
  const median = {
    two: { requestsPerSecond: 1480.6, p99Ms: 61 },
    one: { requestsPerSecond: 1390, p99Ms: 44 },
  };
  return {
    path,
    rounds: [median],
    median,
    medianRatio: ratio,
    medianP99Ratio: 1.39,
    cpuPerRequest: {
      two: { apiUs: 520, postgresUs: 310 },
      one: { apiUs: 480, postgresUs: 300 },
    },
  };
}

function instances(sharedLimits: InstancesResult['sharedLimits']): InstancesResult {
  return {
    cores: 2,
    connections: 32,
    split: [16, 16],
    school: route('/api/school', 1.07),
    students: { ...route('/api/students?pageSize=20', 0.98), cpuPerRequest: null },
    sharedLimits,
    rotation: { order: [], rounds: [] },
  };
}

describe('instances benchmark rows', () => {
  it('prints two instances over one per route, with the split and the cores, and no target', () => {
    const rows = summaryRows({ instances: instances(null) });
    expect(rows.map((row) => [row.line, row.ratio, row.target, row.status])).toEqual([
      ['/api/school: two instances (16 + 16 connections) vs one (32), 2 cores', '1.07', '', ''],
      [
        '/api/students?pageSize=20: two instances (16 + 16 connections) vs one (32), 2 cores',
        '0.98',
        '',
        '',
      ],
    ]);
    expect(rows[0].measured).toBe(
      '1,481/s vs 1,390/s, p99 61 ms vs 44 ms; CPU/request API 520 vs 480 µs, PostgreSQL 310 vs 300 µs',
    );
    // CPU is left out when /proc could not tell.
    expect(rows[1].measured).toBe('1,481/s vs 1,390/s, p99 61 ms vs 44 ms');
    expect(markdownTable(rows)).toContain('| /api/school: two instances (16 + 16 connections)');
  });

  it('adds the shared-limits lines only when the Redis pair ran', () => {
    const limited = (path: string) => {
      const median = {
        shared: { requestsPerSecond: 1200, p99Ms: 70 },
        two: { requestsPerSecond: 1500, p99Ms: 60 },
      };
      return {
        path,
        rounds: [median],
        median,
        medianRatio: 0.8,
        medianP99Ratio: 1.17,
        cpuPerRequest: null,
      };
    };
    const rows = summaryRows({
      instances: instances({
        school: limited('/api/school'),
        students: limited('/api/students?pageSize=20'),
      }),
    });
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatchObject({
      line: '/api/school: two instances, rate limits on with REDIS_URL, vs limits off',
      measured: '1,200/s vs 1,500/s, p99 70 ms vs 60 ms',
      ratio: '0.8',
    });
  });
});

describe('instances benchmark settings', () => {
  it('starts the shared-limits pair with limits the configuration accepts', () => {
    const config = loadConfig({ ...SHARED_LIMITS_ENV, NODE_ENV: 'test' });
    expect(config.rateLimits.enabled).toBe(true);
    // 32 connections on loopback send a few thousand a second: far under this.
    expect(config.rateLimits.platformClientPerMinute).toBe(1_000_000);
  });
});
