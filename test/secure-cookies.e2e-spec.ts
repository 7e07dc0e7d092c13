import { createTestApp, registerSchool, signIn, type TestApp } from './support/test-app';

/**
 * With HTTPS, auth cookies carry the prefixes browsers enforce, so a page at a sibling host
 * cannot set a domain-wide cookie that shadows ours (cookie tossing). Its own file: passport's
 * strategy registry is process-wide, and it reads the cookie names of the last app built.
 */
describe('cookies over HTTPS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ COOKIE_SECURE: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sets __Host- and __Secure- cookies and reads only those', async () => {
    const school = await registerSchool(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: school.host },
      payload: { username: school.ownerUsername, password: 'a long enough password' },
    });
    expect(response.statusCode).toBe(200);
    const cookies = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie]));
    expect(Object.keys(cookies).sort()).toEqual([
      '__Host-sy_access',
      '__Host-sy_csrf',
      '__Secure-sy_device',
      '__Secure-sy_refresh',
    ]);
    for (const name of ['__Host-sy_access', '__Host-sy_csrf']) {
      expect(cookies[name]).toMatchObject({ secure: true, path: '/' });
      expect(cookies[name].domain).toBeUndefined();
    }
    expect(cookies['__Secure-sy_refresh']).toMatchObject({ secure: true, httpOnly: true });
    expect(cookies['__Secure-sy_device']).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/auth/login',
    });

    const me = (cookie: string) =>
      t.app.inject({ url: '/api/auth/me', headers: { host: school.host, cookie } });
    const token = cookies['__Host-sy_access'].value;
    expect((await me(`__Host-sy_access=${token}`)).statusCode).toBe(200);
    // The unprefixed name is what a sibling page could plant: it is not read.
    expect((await me(`sy_access=${token}`)).statusCode).toBe(401);

    const session = await signIn(t.app, school.host, school.ownerUsername);
    expect(Object.keys(session.cookies)).toContain('__Host-sy_csrf');
  });
});
