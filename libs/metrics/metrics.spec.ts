import { Metrics } from './metrics';

describe('Metrics', () => {
  it('files requests by route, method and status in cumulative buckets, as Prometheus reads them', async () => {
    const metrics = new Metrics();
    metrics.observeRequest('GET', '/api/students/:id', 200, 0.003);
    metrics.observeRequest('GET', '/api/students/:id', 200, 0.02);
    metrics.observeRequest('GET', '/api/students/:id', 200, 30);
    metrics.observeRequest('POST', '/api/auth/login', 401, 0.3);
    const { body, contentType } = await metrics.scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const series = '{method="GET",route="/api/students/:id",status="200"';
    const lines = body.split('\n');
    for (const expected of [
      '# TYPE schoolyard_http_request_duration_seconds histogram',
      `schoolyard_http_request_duration_seconds_bucket${series},le="0.0025"} 0`,
      `schoolyard_http_request_duration_seconds_bucket${series},le="0.005"} 1`,
      `schoolyard_http_request_duration_seconds_bucket${series},le="0.025"} 2`,
      `schoolyard_http_request_duration_seconds_bucket${series},le="10"} 2`,
      `schoolyard_http_request_duration_seconds_bucket${series},le="+Inf"} 3`,
      `schoolyard_http_request_duration_seconds_sum${series}} 30.023`,
      `schoolyard_http_request_duration_seconds_count${series}} 3`,
      'schoolyard_http_request_duration_seconds_count{method="POST",route="/api/auth/login",status="401"} 1',
    ]) {
      expect(lines).toContain(expected);
    }
  });

  it('counts sign-in failures, refusals and share waits by their fixed labels', async () => {
    const metrics = new Metrics();
    metrics.signInFailed('throttled');
    metrics.rateLimited('client');
    metrics.rateLimited('client');
    metrics.shareWaited(0.2, 'timed_out');
    const lines = (await metrics.scrape()).body.split('\n');
    expect(lines).toContain('schoolyard_sign_in_failures_total{reason="throttled"} 1');
    expect(lines).toContain('schoolyard_rate_limit_refusals_total{limit="client"} 2');
    expect(lines).toContain('schoolyard_pool_share_wait_seconds_count{outcome="timed_out"} 1');
  });

  it('reads gauges at scrape time, forgetting label sets that are gone', async () => {
    const metrics = new Metrics();
    let rows = [{ labels: { queue: 'mail' }, value: 3 }];
    metrics.gauge('schoolyard_test_depth', 'Depth', ['queue'], () => rows);
    expect((await metrics.scrape()).body).toContain('schoolyard_test_depth{queue="mail"} 3');
    rows = [{ labels: { queue: 'other' }, value: 1 }];
    const body = (await metrics.scrape()).body;
    expect(body).toContain('schoolyard_test_depth{queue="other"} 1');
    expect(body).not.toContain('queue="mail"');
  });
});
