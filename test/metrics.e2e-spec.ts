import { randomBytes, randomUUID } from 'node:crypto';
import { MetricsServer } from '../apps/api/metrics/metrics-server';
import { parsePrometheusText } from './support/prometheus-text';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type TestApp,
} from './support/test-app';

const TOKEN = `metrics-${randomBytes(24).toString('hex')}`;

describe('the Prometheus text reader the test relies on', () => {
  it('refuses what Prometheus would refuse', () => {
    const ok = '# HELP a_total Things\n# TYPE a_total counter\na_total{k="v \\"q\\""} 3\n';
    expect(parsePrometheusText(ok).get('a_total')?.samples[0]).toEqual({
      name: 'a_total',
      labels: { k: 'v "q"' },
      value: 3,
    });
    for (const bad of [
      'a_total 3',
      '# TYPE a_total counter\na_total{k=v} 3',
      '# TYPE a_total counter\na_total{k="v"} three',
      '# TYPE h histogram\nh_bucket{k="v"} 1',
      '# TYPE h histogram\nh 1',
      '# a comment of no kind',
    ]) {
      expect(() => parsePrometheusText(bad)).toThrow(/line \d/);
    }
  });
});

describe('GET /metrics', () => {
  let t: TestApp;
  let base: string;
  let schools: RegisteredSchool[];
  const studentId = randomUUID();

  beforeAll(async () => {
    t = await createTestApp({
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_TOKEN: TOKEN,
      // A small platform allowance, so a short flood below is refused and counted.
      RATE_LIMIT_PLATFORM_PER_MINUTE: '5',
      RATE_LIMIT_REFUSAL_HOLD_MS: '0',
    });
    base = `http://127.0.0.1:${t.app.get(MetricsServer).port}`;
    // Names, slugs and hosts no metric may carry; registered from addresses of their own so
    // the flood below does not refuse them.
    const tag = randomBytes(3).toString('hex');
    schools = [
      await registerSchool(t.app, { subdomain: `zanzibar${tag}`, name: `Quokka Marsupial ${tag}` }),
      await registerSchool(t.app, { subdomain: `yokohama${tag}`, name: `Axolotl Lyceum ${tag}` }),
    ];
    for (const school of schools) {
      await t.app.inject({ url: '/api/school', headers: { host: school.host } });
      await t.app.inject({ url: `/api/students/${studentId}`, headers: { host: school.host } });
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: school.host },
        payload: { username: school.ownerUsername, password: 'not the password at all' },
      });
    }
    // A path no route serves: filed as `unmatched`, never under its own URL.
    await t.app.inject({ url: `/no-such-page/${studentId}`, headers: { host: 'localhost' } });
    for (let i = 0; i < 8; i++) {
      await t.app.inject({
        url: '/api/organizations/check-domain?subdomain=anything',
        headers: { host: 'localhost' },
        remoteAddress: '198.51.100.7',
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(`${base}/metrics`, { headers });

  it('answers Prometheus text with request, pool, job, fleet, sign-in and refusal metrics', async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await response.text());

    const requests = families.get('schoolyard_http_request_duration_seconds')!;
    expect(requests.type).toBe('histogram');
    const counted = (route: string, status: string) =>
      requests.samples.find(
        (s) => s.name.endsWith('_count') && s.labels.route === route && s.labels.status === status,
      )?.value;
    expect(counted('/api/school', '200')).toBe(2);
    // The template, not the URL: both schools' requests are one series.
    expect(counted('/api/students/:id', '401')).toBe(2);
    expect(counted('/api/auth/login', '401')).toBe(2);
    expect(counted('unmatched', '404')).toBe(1);
    expect(
      requests.samples.every((s) =>
        Object.keys(s.labels).every((l) => ['method', 'route', 'status', 'le'].includes(l)),
      ),
    ).toBe(true);

    const value = (family: string, labels: Record<string, string> = {}) =>
      families
        .get(family)
        ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('schoolyard_sign_in_failures_total', { reason: 'invalid_credentials' })).toBe(2);
    expect(value('schoolyard_rate_limit_refusals_total', { limit: 'platform' })).toBe(3);
    expect(value('schoolyard_db_pool_connections', { state: 'max' })).toBe(t.config.pool.size);
    expect(value('schoolyard_db_pool_connections', { state: 'open' })).toBeGreaterThan(0);
    expect(value('schoolyard_db_pool_waiting')).toBe(0);
    expect(value('schoolyard_pool_share_waiting')).toBe(0);
    expect(families.get('schoolyard_pool_share_wait_seconds')?.type).toBe('histogram');
    // Other suites share the database: at least this suite's two schools are at this release.
    expect(value('schoolyard_fleet_schools', { status: 'current' })).toBeGreaterThanOrEqual(2);
    expect(families.get('schoolyard_jobs')?.type).toBe('gauge');
    expect(families.get('schoolyard_jobs_waiting')?.type).toBe('gauge');
  });

  it('names no school: no name, slug or host, and no raw URL', async () => {
    const text = (await (await scrape()).text()).toLowerCase();
    for (const school of schools) {
      for (const word of [school.name, school.slug, school.host, school.id]) {
        expect(text).not.toContain(word.toLowerCase());
      }
    }
    expect(text).not.toContain(studentId);
    expect(text).not.toContain('anything');
  });

  it('answers 401 without the token or with a wrong one, and 404 off its one path', async () => {
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
    ];
    for (const headers of wrong) {
      const refused = await scrape(headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await refused.json()) as { error: { code: string }; requestId: string };
      expect(body.error.code).toBe('AUTHENTICATION_REQUIRED');
      expect(body.requestId).toEqual(expect.any(String));
    }
    const elsewhere = await fetch(`${base}/api/school`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(elsewhere.status).toBe(404);
  });

  it('is not served on the API port, at the platform host or a school host', async () => {
    for (const host of ['localhost', schools[0].host]) {
      const response = await t.app.inject({
        url: '/metrics',
        headers: { host, authorization: `Bearer ${TOKEN}` },
      });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('schoolyard_http_request_duration_seconds');
    }
  });
});

describe('metrics left off', () => {
  it('opens no metrics listener when METRICS_PORT is unset, and the API port has no /metrics', async () => {
    const t = await createTestApp();
    try {
      expect(t.config.metrics.port).toBeUndefined();
      expect(t.app.get(MetricsServer).port).toBeUndefined();
      const response = await t.app.inject({ url: '/metrics', headers: { host: 'localhost' } });
      expect(response.statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
