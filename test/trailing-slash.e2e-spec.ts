import { bodyOf, caller, type Page } from './support/caller';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

describe('a trailing slash', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;
  let school: RegisteredSchool;
  let owner: SignedIn;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    school = await registerSchool(t.app);
    owner = await signIn(t.app, school.host, school.ownerUsername);
  });
  afterAll(async () => {
    await t.close();
  });

  it('reaches the same route as the path without it, reads and writes alike', async () => {
    const enrolled = bodyOf<{ id: string }>(
      await call(school, owner, 'POST', '/api/students/enroll/', {
        firstName: 'Tom',
        lastName: 'Slash',
        admissionNumber: 'S-1',
      }),
      201,
    );
    const withSlash = bodyOf<Page>(await call(school, owner, 'GET', '/api/students/'), 200);
    const without = bodyOf<Page>(await call(school, owner, 'GET', '/api/students'), 200);
    expect(withSlash).toEqual(without);
    expect(withSlash.data.map((student) => student.id)).toEqual([enrolled.id]);
    const searched = bodyOf<Page>(
      await call(school, owner, 'GET', '/api/students/?search=slash&pageSize=5'),
      200,
    );
    expect(searched.meta).toEqual({ page: 1, pageSize: 5, total: 1 });
  });

  it('changes nothing about who may call the route', async () => {
    const anonymous = await t.app.inject({
      method: 'GET',
      url: '/api/students/',
      headers: { host: school.host },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { code: expect.any(String) } });
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login/',
      headers: { host: school.host },
      payload: { username: school.ownerUsername, password: OWNER_PASSWORD },
    });
    expect(signedIn.statusCode).toBe(200);
  });

  it('does not make an unknown path known', async () => {
    const response = await call(school, owner, 'GET', '/api/no-such-thing/');
    expect(response.statusCode).toBe(404);
  });
});
