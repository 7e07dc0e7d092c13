import { csvOf, importFile, planWithLimits, STUDENT_HEADER, studentRows } from './support/imports';
import { inSchema } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

const GUARDIAN_HEADER =
  'email,phone,firstName,middleName,lastName,studentAdmissionNumber,relationship';
const STAFF_HEADER = 'email,firstName,middleName,lastName,jobTitle,department,hireDate,status';
const ENROLMENT_HEADER = 'admissionNumber,academicYear,level,section';

describe('Imports: guardians with their links, staff, enrolments', () => {
  let t: TestApp;
  let school: RegisteredSchool;
  let owner: SignedIn;

  beforeAll(async () => {
    t = await createTestApp();
    school = await registerSchool(t.app);
    owner = await signIn(t.app, school.host, school.ownerUsername);
    const students = await importFile(
      t,
      school,
      owner,
      'students',
      csvOf(STUDENT_HEADER, studentRows(4)),
    );
    expect(students.status).toBe('succeeded');
  });
  afterAll(() => t.close());

  it('creates guardians once and links each row; a guardian with two children has two rows, and a repeat adds nothing', async () => {
    const rows = [
      'mum@example.org,,Maya,,Dent,A-00001,mother',
      'MUM@example.org,,maya,,dent,A-00002,mother', // the same guardian, a second child
      ',+977 98000 00001,Ravi,,Dent,A-00001,father', // no e-mail: keyed by phone
      'gran@example.org,,Gita,,Dent,,', // no link yet
    ];
    const done = await importFile(t, school, owner, 'guardians', csvOf(GUARDIAN_HEADER, rows));
    expect(done).toMatchObject({ status: 'succeeded', rows: 4, created: 4, unchanged: 0 });
    const links = await inSchema(
      school,
      `SELECT p.first_name, s.admission_number, sg.relationship
         FROM student_guardians sg JOIN profiles p ON p.id = sg.guardian_id
         JOIN students s ON s.profile_id = sg.student_id ORDER BY 1, 2`,
    );
    expect(links).toEqual([
      { first_name: 'Maya', admission_number: 'A-00001', relationship: 'mother' },
      { first_name: 'Maya', admission_number: 'A-00002', relationship: 'mother' },
      { first_name: 'Ravi', admission_number: 'A-00001', relationship: 'father' },
    ]);
    const guardians = await inSchema(
      school,
      `SELECT p.kind, p.first_name, p.email, g.phone, p.user_id FROM guardians g
         JOIN profiles p ON p.id = g.profile_id ORDER BY p.first_name`,
    );
    expect(guardians).toEqual([
      {
        kind: 'guardian',
        first_name: 'Gita',
        email: 'gran@example.org',
        phone: null,
        user_id: null,
      },
      {
        kind: 'guardian',
        first_name: 'Maya',
        email: 'mum@example.org',
        phone: null,
        user_id: null,
      },
      {
        kind: 'guardian',
        first_name: 'Ravi',
        email: null,
        phone: '+977 98000 00001',
        user_id: null,
      },
    ]);

    // Again, with one new link for a known guardian: only that row writes.
    const again = await importFile(
      t,
      school,
      owner,
      'guardians',
      csvOf(GUARDIAN_HEADER, [...rows, 'gran@example.org,,Gita,,Dent,A-00003,grandparent']),
    );
    expect(again).toMatchObject({ status: 'succeeded', created: 1, unchanged: 4 });
    const count = await inSchema<{ n: string }>(school, 'SELECT count(*) AS n FROM guardians');
    expect(Number(count[0].n)).toBe(3);
  });

  it('refuses a guardian file with an unknown student, a repeated link, a bad relationship or no contact', async () => {
    const rows = [
      'a@example.org,,Ann,,Lee,A-00001,aunt',
      'b@example.org,,Bo,,Lee,Z-404,father',
      'c@example.org,,Cy,,Lee,A-00002,father',
      'c@example.org,,Cy,,Lee,A-00002,father',
      ',,Di,,Lee,,',
    ];
    const failed = await importFile(t, school, owner, 'guardians', csvOf(GUARDIAN_HEADER, rows));
    expect(failed.status).toBe('failed');
    expect(failed.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'BAD_VALUE'],
      [3, 'UNKNOWN_STUDENT'],
      [5, 'DUPLICATE_IN_FILE'],
      [6, 'MISSING_VALUE'],
    ]);
    const found = await inSchema(school, `SELECT 1 FROM profiles WHERE email = 'c@example.org'`);
    expect(found).toEqual([]);
  });

  it("imports staff keyed by e-mail, within the plan's staff limit", async () => {
    const rows = [
      'ada@example.org,Ada,,Lovelace,Mathematics teacher,Sciences,2025-08-25,active',
      'bea@example.org,Bea,,Stone,,,,',
    ];
    const done = await importFile(t, school, owner, 'staff', csvOf(STAFF_HEADER, rows));
    expect(done).toMatchObject({ status: 'succeeded', created: 2 });
    const staff = await inSchema(
      school,
      `SELECT p.kind, p.first_name, st.job_title, st.department, st.hire_date IS NOT NULL AS hired, st.status
         FROM staff st JOIN profiles p ON p.id = st.profile_id
        WHERE p.email IN ('ada@example.org', 'bea@example.org') ORDER BY 2`,
    );
    expect(staff).toEqual([
      {
        kind: 'staff',
        first_name: 'Ada',
        job_title: 'Mathematics teacher',
        department: 'Sciences',
        hired: true,
        status: 'active',
      },
      {
        kind: 'staff',
        first_name: 'Bea',
        job_title: 'Instructor',
        department: null,
        hired: true,
        status: 'active',
      },
    ]);
    const again = await importFile(t, school, owner, 'staff', csvOf(STAFF_HEADER, rows));
    expect(again).toMatchObject({ status: 'succeeded', created: 0, unchanged: 2 });

    const other = await registerSchool(t.app);
    const otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    await planWithLimits(other, 10, 1);
    const over = await importFile(t, other, otherOwner, 'staff', csvOf(STAFF_HEADER, rows));
    expect(over.errors.map((e) => [e.row, e.code])).toEqual([[3, 'PLAN_LIMIT']]);
    const bad = await importFile(
      t,
      other,
      otherOwner,
      'staff',
      csvOf(STAFF_HEADER, ['ada@example.org,Ada,,L,,,2025-13-01,gone', ',Bo,,L,,,,']),
    );
    expect(bad.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'hireDate', 'BAD_DATE'],
      [2, 'status', 'BAD_VALUE'],
      [3, 'email', 'MISSING_VALUE'],
    ]);
  });

  it('enrols students into sections named by year, level and section; an unknown section fails the file', async () => {
    await inSchema(
      school,
      `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                  VALUES ('2025-2026', current_date - 30, current_date + 300) RETURNING id),
            pr AS (INSERT INTO programs (code, name) VALUES ('PRI', 'Primary') RETURNING id),
            l AS (INSERT INTO academic_levels (program_id, name, position)
                  SELECT id, 'Grade 5', 5 FROM pr RETURNING id)
       INSERT INTO sections (level_id, academic_year_id, name, capacity)
       SELECT l.id, y.id, s.name, s.capacity FROM l, y,
              (VALUES ('A', 30), ('B', 1)) AS s(name, capacity)`,
    );
    // A year that has not begun, and a withdrawn student: a single enrolment refuses both.
    await inSchema(
      school,
      `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                  VALUES ('2099-2100', '2099-04-01', '2100-03-31') RETURNING id)
       INSERT INTO sections (level_id, academic_year_id, name, capacity)
       SELECT l.id, y.id, 'A', 30 FROM academic_levels l, y WHERE l.name = 'Grade 5'`,
    );
    await inSchema(
      school,
      `UPDATE students SET status = 'withdrawn' WHERE admission_number = 'A-00004'`,
    );
    const unknown = await importFile(
      t,
      school,
      owner,
      'enrolments',
      csvOf(ENROLMENT_HEADER, [
        'A-00001,2025-2026,Grade 5,A',
        'A-00002,2025-2026,Grade 5,Z',
        'Z-404,2025-2026,grade 5,a',
        'A-00003,2025-2026,Grade 5,B',
        'A-00001,2025-2026,Grade 5,B',
        'A-00004,2025-2026,Grade 5,A',
        'A-00002,2099-2100,Grade 5,A',
      ]),
    );
    expect(unknown.status).toBe('failed');
    expect(unknown.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'section', 'UNKNOWN_SECTION'],
      [4, 'admissionNumber', 'UNKNOWN_STUDENT'],
      [6, 'section', 'SECTION_FULL'],
      [7, 'admissionNumber', 'BAD_VALUE'],
      [8, 'academicYear', 'BAD_VALUE'],
    ]);
    const none = await inSchema(school, 'SELECT 1 FROM section_students');
    expect(none).toEqual([]);

    const rows = [
      'A-00001,2025-2026,Grade 5,A',
      'a-00002,2025-2026,grade 5,a',
      'A-00003,2025-2026,Grade 5,B',
    ];
    const done = await importFile(t, school, owner, 'enrolments', csvOf(ENROLMENT_HEADER, rows));
    expect(done).toMatchObject({ status: 'succeeded', created: 3 });
    const members = await inSchema(
      school,
      `SELECT s.admission_number, sec.name, ss.left_on FROM section_students ss
         JOIN students s ON s.profile_id = ss.student_id JOIN sections sec ON sec.id = ss.section_id
        ORDER BY 1`,
    );
    expect(members).toEqual([
      { admission_number: 'A-00001', name: 'A', left_on: null },
      { admission_number: 'A-00002', name: 'A', left_on: null },
      { admission_number: 'A-00003', name: 'B', left_on: null },
    ]);
    const again = await importFile(t, school, owner, 'enrolments', csvOf(ENROLMENT_HEADER, rows));
    expect(again).toMatchObject({ status: 'succeeded', created: 0, unchanged: 3 });
  });
});
