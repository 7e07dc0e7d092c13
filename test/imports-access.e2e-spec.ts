import { bodyOf, caller, type Page } from './support/caller';
import {
  csvOf,
  finishedImport,
  type ImportBody,
  importFile,
  postImport,
  STUDENT_HEADER,
  studentRows,
} from './support/imports';
import { peopleSuite } from './support/people-kinds';
import { inSchema } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

describe("Imports: one school's own, behind data.import", () => {
  let t: TestApp;
  let school: RegisteredSchool;
  let owner: SignedIn;

  const studentCount = async (at: RegisteredSchool) =>
    Number((await inSchema<{ n: string }>(at, 'SELECT count(*) AS n FROM students'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    school = await registerSchool(t.app);
    owner = await signIn(t.app, school.host, school.ownerUsername);
  });
  afterAll(() => t.close());

  it("keeps a school's imports its own: another school gets 404 and its students are untouched; 403 without data.import; 401 anonymous", async () => {
    const other = await registerSchool(t.app);
    const otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    const theirs = await importFile(
      t,
      other,
      otherOwner,
      'students',
      csvOf(STUDENT_HEADER, studentRows(3)),
    );
    expect(theirs.status).toBe('succeeded');

    const mine = bodyOf<ImportBody>(
      await postImport(t, school, owner, 'students', csvOf(STUDENT_HEADER, studentRows(3))),
      202,
    );
    await finishedImport(t, school, owner, mine.id);
    const call = caller(t);
    const seen = await call(other, otherOwner, 'GET', `/api/imports/${mine.id}`);
    expect(seen.statusCode).toBe(404);
    expect(seen.json().error.code).toBe('IMPORT_NOT_FOUND');
    const list = bodyOf<Page>(await call(other, otherOwner, 'GET', '/api/imports'), 200);
    expect(list.data.map((i) => i.id)).toEqual([theirs.id]);
    expect(await studentCount(other)).toBe(3);
    const names = await inSchema(
      other,
      `SELECT first_name FROM profiles WHERE kind = 'student' ORDER BY 1`,
    );
    expect(names).toEqual([{ first_name: 'Stu1' }, { first_name: 'Stu2' }, { first_name: 'Stu3' }]);

    const ours = bodyOf<Page<ImportBody>>(
      await call(school, owner, 'GET', '/api/imports?pageSize=100'),
      200,
    );
    expect(ours.data.map((i) => i.id)).toContain(mine.id);

    const clerk = await peopleSuite(t).memberWith(school, owner, ['students.view']);
    for (const response of [
      await postImport(t, school, clerk, 'students', csvOf(STUDENT_HEADER, studentRows(1, 900))),
      await call(school, clerk, 'GET', `/api/imports/${mine.id}`),
      await call(school, clerk, 'GET', '/api/imports'),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({
        error: { code: 'FORBIDDEN', details: { missingPermissions: ['data.import'] } },
      });
    }
    for (const response of [
      await postImport(t, school, null, 'students', csvOf(STUDENT_HEADER, studentRows(1, 901))),
      await call(school, null, 'GET', `/api/imports/${mine.id}`),
      await call(school, null, 'GET', '/api/imports'),
    ]) {
      expect(response.statusCode).toBe(401);
    }
  });

  it('takes a file past the 1 MB JSON body limit: the upload has its own (IMPORT_MAX_BYTES)', async () => {
    const filler = 'x'.repeat(100);
    const big = csvOf(
      'admissionNumber,firstName,nickname',
      Array.from({ length: 12_000 }, (_, i) => `N-${i},${filler},y`),
    );
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const done = await importFile(t, school, owner, 'students', big, { dryRun: true });
    expect(done).toMatchObject({ status: 'failed', rows: 0 });
    expect(done.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [1, 'nickname', 'BAD_HEADER'],
      [1, 'lastName', 'BAD_HEADER'],
    ]);
  });

  it('answers 400 to a multipart body it cannot read, storing nothing', async () => {
    const before = await inSchema(school, 'SELECT count(*) AS n FROM imports');
    for (const [contentType, payload] of [
      ['multipart/form-data', 'no boundary at all'],
      [
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="kind"\r\n\r\nstud',
      ],
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/imports',
        headers: { host: school.host, ...owner.bearer, 'content-type': contentType },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        error: { code: expect.any(String) },
        requestId: expect.any(String),
      });
    }
    expect(await inSchema(school, 'SELECT count(*) AS n FROM imports')).toEqual(before);
  });
});
