import { randomBytes } from 'node:crypto';
import { LeakProbeController } from './support/leak-probe.controller';
import { createTestApp, registerSchool, type TestApp } from './support/test-app';

const ERROR_SHAPE = {
  error: { code: expect.any(String), message: expect.any(String) },
  requestId: expect.any(String),
};

describe('security headers, CORS and request size', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: 'https://partner.example.org' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends helmet-style headers on answers, errors and the docs', async () => {
    const school = await registerSchool(t.app);
    for (const [url, host] of [
      ['/api/school', school.host],
      ['/api/no-such-route', school.host],
      ['/health', 'localhost'],
    ]) {
      const response = await t.app.inject({ url, headers: { host } });
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'content-security-policy': expect.stringContaining("default-src 'none'"),
      });
      // HSTS only where every host is HTTPS: production.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
    const docs = await t.app.inject({ url: '/docs', headers: { host: 'localhost' } });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it("allows the platform's own hosts and the configured origins, and no others", async () => {
    const preflight = (origin: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url: '/api/auth/login',
        headers: {
          host: 'localhost',
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    for (const origin of [
      'http://localhost:5173',
      'https://oxford.localhost',
      'https://partner.example.org',
    ]) {
      const response = await preflight(origin);
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(response.headers['access-control-allow-credentials']).toBe('true');
    }
    for (const origin of [
      'https://evil.example.org',
      'https://localhost.evil.example.org',
      'https://evillocalhost',
      'null',
    ]) {
      const response = await preflight(origin);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('refuses a body over the limit with 413 in the shared shape, and bad JSON with 400', async () => {
    const school = await registerSchool(t.app);
    const huge = { name: 'x'.repeat(1024 * 1024 + 10) };
    for (const [url, host] of [
      ['/api/organizations/register', 'localhost'],
      ['/api/auth/login', school.host],
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { host },
        payload: huge,
      });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({
        ...ERROR_SHAPE,
        error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) },
      });
      const broken = await t.app.inject({
        method: 'POST',
        url,
        headers: { host, 'content-type': 'application/json' },
        payload: '{"username": "a", ',
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json()).toMatchObject(ERROR_SHAPE);
    }
  });
});

describe('production mode', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      {
        NODE_ENV: 'production',
        CREDENTIALS_KEY: randomBytes(32).toString('base64'),
        ESEWA_ALLOW_TEST_SECRET: 'true',
      },
      [LeakProbeController],
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers failures without stack traces, SQL or internal messages', async () => {
    const school = await registerSchool(t.app);
    for (const mode of ['throw', 'sql']) {
      const response = await t.app.inject({
        url: `/test/probe?mode=${mode}`,
        headers: { host: school.host },
      });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        error: { code: 'INTERNAL_ERROR', message: 'Something went wrong' },
        requestId: expect.any(String),
      });
      for (const leak of [
        'no_such_table',
        'SELECT',
        'mid-transaction',
        '    at ',
        '.ts:',
        'Error',
      ]) {
        expect(response.body).not.toContain(leak);
      }
    }
  });

  it('adds HSTS in production', async () => {
    const response = await t.app.inject({ url: '/health', headers: { host: 'localhost' } });
    expect(response.headers['strict-transport-security']).toMatch(
      /^max-age=\d+; includeSubDomains$/,
    );
  });
});
