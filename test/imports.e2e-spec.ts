import { caller } from './support/caller';
import {
  csvOf,
  importFile,
  multipartForm,
  planWithLimits,
  postImport,
  STUDENT_HEADER,
  studentRows,
} from './support/imports';
import { inSchema } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

/** Small enough that a test can pass it without sending megabytes. */
const MAX_BYTES = 200_000;

describe('Imports: students, the report, limits and access', () => {
  let t: TestApp;
  let school: RegisteredSchool;
  let owner: SignedIn;

  const studentCount = async (at: RegisteredSchool) =>
    Number((await inSchema<{ n: string }>(at, 'SELECT count(*) AS n FROM students'))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_MAX_BYTES: String(MAX_BYTES) });
    school = await registerSchool(t.app);
    owner = await signIn(t.app, school.host, school.ownerUsername);
    await planWithLimits(school, 5000, 100);
  });
  afterAll(() => t.close());

  it('reports exactly the 5 bad rows of 800 and writes nothing; fixed, writes 800; again, nothing new', async () => {
    const rows = studentRows(800);
    const good = [...rows];
    // Row numbers as a spreadsheet shows them: the header is row 1, rows[i] is row i + 2.
    rows[10] = rows[10].replace('A-00011', 'a-00003'); // the admission number of row 4
    rows[200] = rows[200].replace('2025-09-01', '2025-02-30');
    rows[300] = rows[300].replace(/,(female|male),/, ',robot,');
    rows[400] = rows[400].replace(',Dent401,', ',,');
    rows[500] = rows[500].replace('stu501@example.org', 'stu501-at-example');

    const failed = await importFile(t, school, owner, 'students', csvOf(STUDENT_HEADER, rows));
    expect(failed).toMatchObject({ status: 'failed', rows: 800, created: 0, dryRun: false });
    expect(failed.errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
      { row: 12, column: 'admissionNumber', code: 'DUPLICATE_IN_FILE' },
      { row: 202, column: 'admissionDate', code: 'BAD_DATE' },
      { row: 302, column: 'gender', code: 'BAD_VALUE' },
      { row: 402, column: 'lastName', code: 'MISSING_VALUE' },
      { row: 502, column: 'email', code: 'BAD_EMAIL' },
    ]);
    expect(await studentCount(school)).toBe(0);

    const done = await importFile(t, school, owner, 'students', csvOf(STUDENT_HEADER, good));
    expect(done).toMatchObject({
      status: 'succeeded',
      rows: 800,
      created: 800,
      unchanged: 0,
      errors: [],
    });
    expect(await studentCount(school)).toBe(800);
    const [one] = await inSchema(
      school,
      `SELECT p.kind, p.first_name, p.email, p.gender, p.local_username, p.user_id,
              s.admission_date::text, s.status
         FROM students s JOIN profiles p ON p.id = s.profile_id WHERE s.admission_number = 'A-00002'`,
    );
    expect(one).toEqual({
      kind: 'student',
      first_name: 'Stu2',
      email: 'stu2@example.org',
      gender: 'male',
      local_username: null,
      user_id: null,
      admission_date: '2025-09-01',
      status: 'active',
    });
    // The audit trail names the uploader as the writer of all 800, and the import itself.
    const audited = await inSchema<{ action: string; n: string; by_owner: string }>(
      school,
      `SELECT action, count(*) AS n, count(*) FILTER (WHERE actor_account_id = $1) AS by_owner
         FROM audit_events WHERE entity_type IN ('student', 'import') GROUP BY action ORDER BY 1`,
      [school.ownerUserId],
    );
    expect(audited).toEqual([
      { action: 'created', n: '800', by_owner: '800' },
      { action: 'imported', n: '1', by_owner: '1' },
    ]);

    const again = await importFile(t, school, owner, 'students', csvOf(STUDENT_HEADER, good));
    expect(again).toMatchObject({ status: 'succeeded', created: 0, unchanged: 800 });
    expect(await studentCount(school)).toBe(800);
    // The file's bytes are gone once the job has run.
    const files = await inSchema<{ n: string }>(school, 'SELECT count(file) AS n FROM imports');
    expect(Number(files[0].n)).toBe(0);
  });

  it('refuses an admission number the school gave someone else; a dry run checks and counts, writing nothing', async () => {
    const at = await registerSchool(t.app);
    const office = await signIn(t.app, at.host, at.ownerUsername);
    const first = await importFile(
      t,
      at,
      office,
      'students',
      csvOf(STUDENT_HEADER, studentRows(2)),
    );
    expect(first).toMatchObject({ status: 'succeeded', created: 2 });

    const taken = studentRows(1, 1)[0].replace('Stu1,', 'Someone,');
    const refused = await importFile(
      t,
      at,
      office,
      'students',
      csvOf(STUDENT_HEADER, [taken, ...studentRows(1, 3)]),
    );
    expect(refused.status).toBe('failed');
    expect(refused.errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'admissionNumber',
        code: 'ADMISSION_NUMBER_TAKEN',
      }),
    ]);

    const dry = await importFile(t, at, office, 'students', csvOf(STUDENT_HEADER, studentRows(4)), {
      dryRun: true,
    });
    expect(dry).toMatchObject({
      status: 'succeeded',
      dryRun: true,
      rows: 4,
      created: 2,
      unchanged: 2,
    });
    expect(await studentCount(at)).toBe(2);
  });

  it("refuses the rows past the plan's student limit, writing none", async () => {
    const at = await registerSchool(t.app);
    const office = await signIn(t.app, at.host, at.ownerUsername);
    await planWithLimits(at, 3, 10);
    const rows = studentRows(5);
    rows[1] = rows[1].replace(',active', ',graduated'); // takes no place
    const over = await importFile(t, at, office, 'students', csvOf(STUDENT_HEADER, rows));
    expect(over.status).toBe('failed');
    expect(over.errors.map((e) => [e.row, e.code])).toEqual([[6, 'PLAN_LIMIT']]);
    expect(await studentCount(at)).toBe(0);

    // Without a subscription there is no plan to count against: the import fails at once,
    // rather than waiting out the job's retries.
    await inSchema(at, 'DELETE FROM public.subscriptions WHERE organization_id = $1', [at.id]);
    const unplanned = await importFile(t, at, office, 'students', csvOf(STUDENT_HEADER, rows));
    expect(unplanned).toMatchObject({ status: 'failed', errors: [{ row: 1, code: 'NOT_RUN' }] });
    expect(await studentCount(at)).toBe(0);
  });

  it('refuses a file that is not UTF-8, naming its first bad line, and a header it does not know', async () => {
    const latin1 = Buffer.from(
      csvOf(STUDENT_HEADER, [...studentRows(1), 'A-9,José,,Núñez,,,,,']),
      'latin1',
    );
    const encoding = await importFile(t, school, owner, 'students', latin1);
    expect(encoding).toMatchObject({
      status: 'failed',
      errors: [{ row: 3, code: 'BAD_ENCODING' }],
    });

    const header = await importFile(
      t,
      school,
      owner,
      'students',
      'admissionNumber,firstName,surname\r\nA-1,Ann,Lee\r\n',
    );
    expect(header.status).toBe('failed');
    expect(header.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [1, 'surname', 'BAD_HEADER'],
      [1, 'lastName', 'BAD_HEADER'],
    ]);

    // A byte-order mark, quoting and an apostrophe-escaped formula are the contract's.
    const quoted = `\uFEFF${STUDENT_HEADER}\r\n"Q-1","Ann, Jr",,"'=Lee",,,,,\r\n`;
    const ok = await importFile(t, school, owner, 'students', quoted);
    expect(ok).toMatchObject({ status: 'succeeded', created: 1 });
    const [row] = await inSchema(
      school,
      `SELECT p.first_name, p.last_name FROM students s JOIN profiles p ON p.id = s.profile_id
        WHERE s.admission_number = 'Q-1'`,
    );
    expect(row).toEqual({ first_name: 'Ann, Jr', last_name: '=Lee' });

    const short = await importFile(
      t,
      school,
      owner,
      'students',
      `${STUDENT_HEADER}\r\nQ-2,Bo,Lee\r\n`,
    );
    expect(short.errors).toEqual([expect.objectContaining({ row: 2, code: 'BAD_COLUMN_COUNT' })]);
  });

  it('answers 413 past IMPORT_MAX_BYTES and 400 for a form it cannot take, storing nothing', async () => {
    const before = await inSchema<{ n: string }>(school, 'SELECT count(*) AS n FROM imports');
    const big = csvOf(STUDENT_HEADER, studentRows(4000));
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const tooLarge = await postImport(t, school, owner, 'students', big);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({
      error: { code: 'IMPORT_FILE_TOO_LARGE', details: { maxBytes: MAX_BYTES } },
      requestId: expect.any(String),
    });

    const unknownKind = await postImport(t, school, owner, 'teachers', 'email\r\n');
    expect(unknownKind.statusCode).toBe(400);
    expect(unknownKind.json().error.code).toBe('IMPORT_REQUEST_INVALID');
    const noFile = multipartForm({ kind: 'students' });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { host: school.host, ...owner.bearer, ...noFile.headers },
      payload: noFile.payload,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('IMPORT_REQUEST_INVALID');
    const json = await caller(t)(school, owner, 'POST', '/api/imports', { kind: 'students' });
    expect(json.statusCode).toBe(400);

    // Any other route refuses multipart as it refuses every body that is not JSON.
    const elsewhere = multipartForm({ firstName: 'Ann' });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/students/enroll',
      headers: { host: school.host, ...owner.bearer, ...elsewhere.headers },
      payload: elsewhere.payload,
    });
    expect(refused.statusCode).toBe(415);
    expect(refused.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const after = await inSchema<{ n: string }>(school, 'SELECT count(*) AS n FROM imports');
    expect(after).toEqual(before);
  });
});
