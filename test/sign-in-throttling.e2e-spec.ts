import { Passwords, seedPlatformAdmin } from '@schoolyard/identity';
import { Client } from 'pg';
import {
  addMember,
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

describe('sign-in throttling: trusted devices, and the same work for every name', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (
    host: string,
    username: string,
    password: string,
    remoteAddress: string,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host, ...headers },
      remoteAddress,
      payload: { username, password },
    });

  /** A device token as a browser (cookie) and as an API client (body) receive it. */
  async function trustedDevice(host: string, username: string, password: string, address: string) {
    const response = await login(host, username, password, address);
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'sy_device');
    expect(cookie).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/auth/login',
    });
    expect(cookie!.maxAge).toBeGreaterThanOrEqual(30 * 86_400);
    const token = response.json<{ deviceToken: string }>().deviceToken;
    expect(token).toBe(cookie!.value);
    return token;
  }

  it("keeps the holder's trusted device signing in while a flood from many addresses refuses everyone else", async () => {
    const school = await registerSchool(t.app);
    const other = await registerSchool(t.app);
    const colleague = await addMember(t, school, { firstName: 'Cora', lastName: 'Colleague' });
    const name = school.ownerUsername;
    const browser = await trustedDevice(school.host, name, OWNER_PASSWORD, '192.0.2.50');
    const phone = await trustedDevice(school.host, name, OWNER_PASSWORD, '192.0.2.51');
    const colleagueDevice = await trustedDevice(
      school.host,
      colleague.username,
      colleague.password,
      '192.0.2.52',
    );
    // The same name at another school is another login.
    const elsewhere = await trustedDevice(other.host, name, OWNER_PASSWORD, '192.0.2.53');

    // 60 wrong passwords from 12 addresses: every counter an untrusted client meets trips
    // (past the name's allowance the flood itself is answered 429).
    const attackers = Array.from({ length: 12 }, (_, i) => `203.0.113.${i + 1}`);
    const answers: number[] = [];
    for (const address of attackers) {
      for (let i = 0; i < 5; i++) {
        answers.push((await login(school.host, name, `guess ${address} ${i}`, address)).statusCode);
      }
    }
    expect(answers.filter((status) => status === 401).length).toBeGreaterThanOrEqual(50);
    expect(answers.every((status) => status === 401 || status === 429)).toBe(true);

    // An untrusted client with the right password is refused, from a fresh address too.
    const untrusted = await login(school.host, name, OWNER_PASSWORD, '198.51.100.77');
    expect(untrusted.statusCode).toBe(429);
    expect(untrusted.json().error.code).toBe('TOO_MANY_ATTEMPTS');

    // The browser's cookie, and the API client's header even from an attacker's own address.
    const viaCookie = await login(school.host, name, OWNER_PASSWORD, '198.51.100.78', {
      cookie: `sy_device=${browser}`,
    });
    expect(viaCookie.statusCode).toBe(200);
    const viaHeader = await login(school.host, name, OWNER_PASSWORD, attackers[0], {
      'x-device-token': phone,
    });
    expect(viaHeader.statusCode).toBe(200);

    // Forged tokens and tokens of other logins count as untrusted.
    const [payload, mac] = browser.split('.');
    const forged = [
      `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`,
      `${Buffer.from(JSON.stringify({ k: 'x', n: 'y', iat: 1 })).toString('base64url')}.${mac}`,
      'not-a-token',
      colleagueDevice,
      elsewhere,
    ];
    for (const token of forged) {
      const refused = await login(school.host, name, OWNER_PASSWORD, '198.51.100.79', {
        'x-device-token': token,
      });
      expect({ token, status: refused.statusCode }).toEqual({ token, status: 429 });
    }
  });

  it('locks one device token out after ten failures of its own, and only that one', async () => {
    const school = await registerSchool(t.app);
    const name = school.ownerUsername;
    const lost = await trustedDevice(school.host, name, OWNER_PASSWORD, '192.0.2.60');
    const kept = await trustedDevice(school.host, name, OWNER_PASSWORD, '192.0.2.61');
    for (let i = 0; i < 10; i++) {
      // Each from another address: the device's own counter is what fills up.
      const response = await login(school.host, name, `wrong ${i}`, `198.18.0.${i + 1}`, {
        'x-device-token': lost,
      });
      expect(response.statusCode).toBe(401);
    }
    const locked = await login(school.host, name, OWNER_PASSWORD, '192.0.2.60', {
      'x-device-token': lost,
    });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(60);
    const fine = await login(school.host, name, OWNER_PASSWORD, '192.0.2.61', {
      'x-device-token': kept,
    });
    expect(fine.statusCode).toBe(200);
    // The device's failures were not charged to the name: an untrusted client is unaffected.
    expect((await login(school.host, name, OWNER_PASSWORD, '192.0.2.62')).statusCode).toBe(200);
  });

  /** The statements a piece of work sends to PostgreSQL, whitespace folded. */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const original = Client.prototype.query;
    const sent: string[] = [];
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      // The request pool's only: job workers deliver any suite's mail as the owner meanwhile.
      if (this.user !== t.urls.apiRole) {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      }
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: string }).text;
      sent.push(
        String(text)
          .replace(/\s+/g, ' ')
          .trim()
          // Each request's own id and address ride in the opening message for the audit trail.
          .replace(/(set_config\('schoolyard\.(?:request_id|client)', )'[^']*'/g, "$1'…'"),
      );
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await work();
    } finally {
      Client.prototype.query = original;
    }
    return sent;
  }

  /** The fewest statements of three attempts: background work (cache refills) can only add. */
  async function fewestStatements(attempt: (i: number) => Promise<{ statusCode: number }>) {
    const runs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await statementsOf(async () => expect((await attempt(i)).statusCode).toBe(401)));
    }
    return runs.sort((a, b) => a.length - b.length)[0];
  }

  it('runs the same statements for an unknown name and a wrong password, at a school and at the platform', async () => {
    const school = await registerSchool(t.app);
    const unknownAtSchool = await fewestStatements((i) =>
      login(school.host, `nobody${i}`, 'some password', `198.19.1.${i + 1}`),
    );
    const knownAtSchool = await fewestStatements((i) =>
      login(school.host, school.ownerUsername, `wrong ${i}`, `198.19.2.${i + 1}`),
    );
    expect(knownAtSchool).toEqual(unknownAtSchool);
    expect(knownAtSchool.some((sql) => /FROM profiles/.test(sql))).toBe(true);
    expect(
      knownAtSchool.some((sql) => /FROM public\.users u JOIN public\.school_memberships/.test(sql)),
    ).toBe(true);
    expect(
      knownAtSchool.some((sql) => /UPDATE public\.users SET failed_login_count/.test(sql)),
    ).toBe(true);

    const email = `platform-${Date.now()}@platform.example`;
    await seedPlatformAdmin(t.urls.ownerUrl, new Passwords(t.config), {
      email,
      password: 'platform admin secret',
    });
    const unknownAtPlatform = await fewestStatements((i) =>
      login('localhost', `nobody-${i}-${email}`, 'some password', `198.19.3.${i + 1}`),
    );
    const knownAtPlatform = await fewestStatements((i) =>
      login('localhost', email, `wrong ${i}`, `198.19.4.${i + 1}`),
    );
    expect(knownAtPlatform).toEqual(unknownAtPlatform);
    expect(
      knownAtPlatform.some((sql) => /UPDATE public\.users SET failed_login_count/.test(sql)),
    ).toBe(true);

    // The known names' failures were still recorded on their accounts.
    await withOwnerClient(async (db) => {
      const rows = await db.query<{ failed_login_count: number }>(
        'SELECT failed_login_count FROM users WHERE id = $1 OR lower(email) = $2 ORDER BY id',
        [school.ownerUserId, email],
      );
      expect(rows.rows.map((row) => row.failed_login_count)).toEqual([3, 3]);
    });
  });
});
