import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  addMember,
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/*
 * In a file of its own: Nest's Logger is process-wide (services log through the logger of the
 * app made last), and this suite reads the log.
 */
describe('sign-in as the log sees it: stored hashes are data, device tokens are secrets', () => {
  const lines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' }, [], {
      write: (line: string) => void lines.push(line),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (host: string, username: string, password: string, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host },
      remoteAddress,
      payload: { username, password },
    });
  const setHash = (userId: string, hash: string) =>
    withOwnerClient((db) =>
      db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]),
    );
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');

  it('answers 401 for a malformed stored hash, warns without the hash, and never 500', async () => {
    const school = await registerSchool(t.app);
    const member = await addMember(t, school, { firstName: 'Gary', lastName: 'Garbage' });
    const session = await signIn(t.app, school.host, member.username, member.password);
    const garbage = `garbage-${randomBytes(8).toString('hex')}`;
    await setHash(member.userId, garbage);

    const refused = await login(school.host, member.username, member.password, '192.0.2.80');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('INVALID_CREDENTIALS');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/change-password',
      headers: { host: school.host, ...session.bearer },
      payload: { currentPassword: member.password, newPassword: 'a brand new long secret' },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error.code).toBe('INVALID_CURRENT_PASSWORD');

    const warnings = lines.filter((line) => line.includes(`user ${member.userId}`));
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    for (const line of warnings) {
      expect(JSON.parse(line).level).toBe(40);
      expect(line).toContain('not an argon2id');
    }
    expect(lines.join('\n')).not.toContain(garbage);
  });

  it('refuses a hash with parameters beyond the platform’s at the cost of a normal refusal', async () => {
    const school = await registerSchool(t.app);
    const member = await addMember(t, school, { firstName: 'Cody', lastName: 'Costly' });
    const tag = b64(32);
    // 256 MiB and ten passes: seconds of one hashing slot per attempt if it were verified.
    const costly = `$argon2id$v=19$m=262144,t=10,p=1$${b64(16)}$${tag}`;
    await setHash(member.userId, costly);

    const normal: number[] = [];
    const refusedCostly: number[] = [];
    for (let i = 0; i < 3; i++) {
      let started = performance.now();
      const wrong = await login(school.host, school.ownerUsername, `wrong ${i}`, '192.0.2.81');
      normal.push(performance.now() - started);
      expect(wrong.statusCode).toBe(401);
      started = performance.now();
      const refused = await login(school.host, member.username, member.password, '192.0.2.82');
      refusedCostly.push(performance.now() - started);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    // The decoy was verified instead: about one normal verification, not seconds.
    expect(median(refusedCostly)).toBeLessThan(median(normal) * 3 + 100);

    const warnings = lines.filter((line) => line.includes(`user ${member.userId}`));
    expect(warnings.length).toBe(3);
    expect(warnings[0]).toContain('m=262144,t=10,p=1');
    expect(lines.join('\n')).not.toContain(tag);
  });

  it('keeps device tokens out of the log, from the header, the cookie and the answer', async () => {
    const school = await registerSchool(t.app);
    const first = await login(school.host, school.ownerUsername, OWNER_PASSWORD, '192.0.2.83');
    const token = first.json<{ deviceToken: string }>().deviceToken;
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: school.host, 'x-device-token': token, cookie: `sy_device=${token}` },
      remoteAddress: '192.0.2.83',
      payload: { username: school.ownerUsername, password: OWNER_PASSWORD },
    });
    expect(again.statusCode).toBe(200);
    const logged = lines.join('\n');
    expect(logged).toContain('/api/auth/login');
    for (const secret of [token, again.json<{ deviceToken: string }>().deviceToken]) {
      expect(logged).not.toContain(secret.split('.')[1]);
    }
  });
});
