import { randomUUID } from 'node:crypto';
import {
  addMember,
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type SignedIn,
  type TestApp,
} from './support/test-app';
import { caller } from './support/caller';

describe("a person's own sessions", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const call = caller(() => t);
  const me = (school: RegisteredSchool, session: SignedIn) =>
    call(school, session, 'GET', '/api/auth/me');

  it('lists the live sessions of the caller everywhere, marks this one, and shows no token', async () => {
    const a = await registerSchool(t.app, { name: 'Session School A' });
    const b = await registerSchool(t.app, { name: 'Session School B' });
    const atB = await addMember(t, b, {
      firstName: 'Olive',
      lastName: 'Elsewhere',
      userId: a.ownerUserId,
    });
    const first = await signIn(t.app, a.host, a.ownerUsername);
    const second = await signIn(t.app, a.host, a.ownerUsername);
    const third = await signIn(t.app, b.host, atB.username, OWNER_PASSWORD);
    // Another person's sessions are not listed.
    const colleague = await addMember(t, a, { firstName: 'Carl', lastName: 'Colleague' });
    await signIn(t.app, a.host, colleague.username, colleague.password);

    const listed = await call(a, second, 'GET', '/api/auth/sessions');
    expect(listed.statusCode).toBe(200);
    const sessions = listed.json<{ data: Array<Record<string, unknown>> }>().data;
    expect(sessions).toHaveLength(3);
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual([
        'createdAt',
        'current',
        'id',
        'lastUsedAt',
        'school',
      ]);
    }
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    expect(
      sessions.map((session) => (session.school as { slug: string } | null)?.slug).sort(),
    ).toEqual([a.slug, a.slug, b.slug].sort());
    expect(
      sessions.find((s) => s.school && (s.school as { slug: string }).slug === b.slug),
    ).toMatchObject({ school: { slug: b.slug, name: 'Session School B' }, current: false });
    const body = listed.body;
    for (const secret of [first, second, third].flatMap((s) => [s.accessToken, s.refreshToken])) {
      expect(body).not.toContain(secret.split('.')[1]);
    }
    // The same list from the other school, with that request's session marked.
    const fromB = (await call(b, third, 'GET', '/api/auth/sessions')).json<{
      data: Array<{ id: string; current: boolean; school: { slug: string } | null }>;
    }>().data;
    expect(fromB.find((s) => s.current)?.school?.slug).toBe(b.slug);

    expect((await call(a, null, 'GET', '/api/auth/sessions')).statusCode).toBe(401);
  });

  it("ends one of the caller's sessions, and answers another person's like a missing one", async () => {
    const school = await registerSchool(t.app);
    const colleague = await addMember(t, school, { firstName: 'Nell', lastName: 'Neighbour' });
    const mine = await signIn(t.app, school.host, school.ownerUsername);
    const spare = await signIn(t.app, school.host, school.ownerUsername);
    const theirs = await signIn(t.app, school.host, colleague.username, colleague.password);
    const idsOf = async (session: SignedIn) =>
      (await call(school, session, 'GET', '/api/auth/sessions')).json<{
        data: Array<{ id: string; current: boolean }>;
      }>().data;
    const spareId = (await idsOf(spare)).find((s) => s.current)!.id;
    const theirId = (await idsOf(theirs)).find((s) => s.current)!.id;

    const foreign = await call(school, mine, 'DELETE', `/api/auth/sessions/${theirId}`);
    const missing = await call(school, mine, 'DELETE', `/api/auth/sessions/${randomUUID()}`);
    expect(foreign.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(foreign.json().error).toEqual(missing.json().error);
    expect(foreign.json().error.code).toBe('SESSION_NOT_FOUND');
    expect((await me(school, theirs)).statusCode).toBe(200);

    const bad = await call(school, mine, 'DELETE', '/api/auth/sessions/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');

    const ended = await call(school, mine, 'DELETE', `/api/auth/sessions/${spareId}`);
    expect(ended.statusCode).toBe(204);
    expect((await me(school, spare)).json().error.code).toBe('SESSION_REVOKED');
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { host: school.host },
      payload: { refreshToken: spare.refreshToken },
    });
    expect(refreshed.statusCode).toBe(401);
    expect((await idsOf(mine)).map((s) => s.id)).not.toContain(spareId);
    expect((await call(school, mine, 'DELETE', `/api/auth/sessions/${spareId}`)).statusCode).toBe(
      404,
    );
    expect((await me(school, mine)).statusCode).toBe(200);
  });
});
