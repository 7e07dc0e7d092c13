import { randomBytes } from 'node:crypto';
import { LeakProbeController } from './support/leak-probe.controller';
import { createTestApp, registerSchool, signIn, type TestApp } from './support/test-app';

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
    // The platform's documentation is not served under a school's name.
    for (const url of ['/docs', '/docs-json', '/docs/', '/%64ocs', '/docs%2Djson']) {
      const atSchool = await t.app.inject({ url, headers: { host: school.host } });
      expect(atSchool.statusCode).toBe(404);
      expect(atSchool.json()).toMatchObject(ERROR_SHAPE);
    }
  });

  const preflight = (host: string, origin: string, url = '/api/auth/login') =>
    t.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        host,
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it("allows only the page's own address and the configured origins", async () => {
    for (const origin of ['http://localhost', 'https://partner.example.org']) {
      const response = await preflight('localhost', origin);
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(response.headers['access-control-allow-credentials']).toBe('true');
    }
    for (const origin of [
      'https://oxford.localhost',
      // Another port of the same name is another origin: another server.
      'http://localhost:5173',
      'https://evil.example.org',
      'https://localhost.evil.example.org',
      'https://evillocalhost',
      'null',
    ]) {
      const response = await preflight('localhost', origin);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('allows the origins a school configured, at that school only, and refuses others', async () => {
    const oxford = await registerSchool(t.app);
    const cambridge = await registerSchool(t.app);
    const owner = await signIn(t.app, oxford.host, oxford.ownerUsername);
    const patch = (corsOrigins: string[]) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/school',
        headers: { host: oxford.host, ...owner.bearer },
        payload: { corsOrigins },
      });
    for (const refused of [
      [`https://${cambridge.host}`],
      ['https://localhost'],
      ['https://portal.example.org/path'],
      ['javascript:alert(1)'],
    ]) {
      const answer = await patch(refused);
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
    const saved = await patch(['https://portal.oxford.example.org']);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().corsOrigins).toEqual(['https://portal.oxford.example.org']);

    // Every instance hears of the change through the registry's NOTIFY, a moment after commit.
    const fromPortal = () =>
      preflight(oxford.host, 'https://portal.oxford.example.org', '/api/students');
    let there = await fromPortal();
    for (let i = 0; i < 50 && !there.headers['access-control-allow-origin']; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      there = await fromPortal();
    }
    expect(there.headers['access-control-allow-origin']).toBe('https://portal.oxford.example.org');
    const elsewhere = await preflight(
      cambridge.host,
      'https://portal.oxford.example.org',
      '/api/students',
    );
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    // Anyone without school.update cannot set them; anonymous callers are refused.
    const anonymous = await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: oxford.host },
      payload: { corsOrigins: ['https://evil.example.org'] },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it("gives a sibling school's page no CORS access to a school, and needs the CSRF token for slips", async () => {
    const oxford = await registerSchool(t.app);
    const cambridge = await registerSchool(t.app);
    const own = await preflight(oxford.host, `https://${oxford.host}`, '/api/students');
    expect(own.headers['access-control-allow-origin']).toBe(`https://${oxford.host}`);
    // A sibling school, an unregistered name under the domain, and the platform's own origin.
    for (const origin of [
      `https://${cambridge.host}`,
      'https://nosuchschool.localhost',
      'https://localhost',
    ]) {
      const response = await preflight(
        oxford.host,
        origin,
        '/api/students/credential-distribution',
      );
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      // A simple GET (no preflight) carries no allow headers either: the browser hides the answer.
      const read = await t.app.inject({
        url: '/api/school',
        headers: { host: oxford.host, origin },
      });
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    }

    // Cookies reach a school's address from any page of the site: a slip read with them alone is refused.
    const session = await signIn(t.app, oxford.host, oxford.ownerUsername);
    const slips = (headers: Record<string, string>) =>
      t.app.inject({
        url: '/api/students/credential-distribution',
        headers: { host: oxford.host, ...headers },
      });
    const cookie = `sy_access=${session.cookies.sy_access}; sy_csrf=${session.cookies.sy_csrf}`;
    const forged = await slips({ cookie, origin: `https://${cambridge.host}` });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: { code: 'CSRF_TOKEN_INVALID' } });
    expect((await slips({ cookie, 'x-csrf-token': session.cookies.sy_csrf })).statusCode).toBe(200);
    expect((await slips(session.bearer)).statusCode).toBe(200);
    // The scheme's case does not matter, and a lower-case one is no cookie request.
    const lower = await t.app.inject({
      method: 'PATCH',
      url: '/api/school',
      headers: { host: oxford.host, authorization: `bearer ${session.accessToken}` },
      payload: { displayName: 'Oxford' },
    });
    expect(lower.statusCode).toBe(200);
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
