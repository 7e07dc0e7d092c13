import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { feesCampus, monthKey, monthStart } from './support/fees';
import { inSchema } from './support/school-year';
import { addMember, createTestApp, registerSchool, signIn, type TestApp } from './support/test-app';

/**
 * CSV exports: the contract's header, the rows the list would show (filters included),
 * formula cells escaped, a large school complete and in order through the cursor, and
 * nothing of one school in another's file.
 */
describe('CSV exports', () => {
  let t: TestApp;
  let c: Campus;
  const call = caller(() => t);
  beforeAll(async () => {
    t = await createTestApp();
    c = await campus(t);
  });
  afterAll(() => t.close());

  /** The file's lines without the byte-order mark and the final CRLF. */
  const linesOf = (body: string) => {
    expect(body.startsWith('\uFEFF')).toBe(true);
    expect(body.indexOf('\uFEFF', 1)).toBe(-1);
    return body.slice(1).replace(/\r\n$/, '').split('\r\n');
  };
  const csv = async (url: string, who = c.owner, at: { host: string } = c.school) => {
    const answer = await call(at, who, 'GET', url);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toMatch(
      /^attachment; filename="[a-z]+-\d{4}-\d{2}-\d{2}(-to-\d{4}-\d{2}-\d{2})?\.csv"$/,
    );
    return linesOf(answer.body);
  };

  it('writes the students in the contract columns, filtered like the list', async () => {
    const lines = await csv('/api/exports/students.csv?sort=admissionNumber');
    expect(lines[0]).toBe(
      'admissionNumber,firstName,middleName,lastName,email,admissionDate,dateOfBirth,gender,status',
    );
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      'C-1,Ana,,Pupil',
      'C-2,Ben,,Pupil',
      'C-3,Cleo,,Pupil',
    ]);
    expect(lines[1]).toMatch(/^C-1,Ana,,Pupil,,\d{4}-\d{2}-\d{2},,,active$/);

    const inA = await csv(`/api/exports/students.csv?sectionId=${c.sectionA.id}&search=ben`);
    expect(inA.slice(1).map((line) => line.split(',')[0])).toEqual(['C-2']);
  });

  it('escapes a name a spreadsheet would run as a formula', async () => {
    const student = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/students/enroll', {
        firstName: '=HYPERLINK("x")',
        lastName: '+Sum, "quoted"',
        admissionNumber: 'F-1',
      }),
      201,
    );
    const lines = await csv('/api/exports/students.csv?search=F-1');
    expect(lines[1]).toMatch(/^F-1,"'=HYPERLINK\(""x""\)",,"'\+Sum, ""quoted""",/);
    await call(c.school, c.owner, 'DELETE', `/api/students/${student.id}?permanent=true`);
  });

  it('writes staff and guardians (one row per guardian and child)', async () => {
    const staff = await csv('/api/exports/staff.csv?search=Teacher');
    expect(staff[0]).toBe(
      'email,firstName,middleName,lastName,jobTitle,department,hireDate,status',
    );
    expect(staff.slice(1).map((line) => line.split(',').slice(1, 4).join(' '))).toEqual([
      'Ines  Teacher',
      'Otto  Teacher',
    ]);
    expect(staff[1]).toMatch(/,active$/);

    await inSchema(
      c.school,
      `INSERT INTO student_guardians (student_id, guardian_id, relationship) VALUES ($1, $2, 'grandparent')`,
      [c.ids.cleo, c.ids.gwen],
    );
    const guardians = await csv('/api/exports/guardians.csv');
    expect(guardians).toEqual([
      'email,phone,firstName,middleName,lastName,studentAdmissionNumber,relationship',
      ',,Gwen,,Guardian,C-1,mother',
      ',,Gwen,,Guardian,C-3,grandparent',
    ]);
  });

  it("writes a section's marks between two dates, and refuses a section out of reach", async () => {
    await inSchema(
      c.school,
      `WITH s AS (INSERT INTO attendance_sessions (section_id, on_date, kind, period)
                  VALUES ($1, '2025-09-02', 'daily', 0), ($1, '2025-09-03', 'daily', 0)
                  RETURNING id, on_date)
       INSERT INTO attendance_records (session_id, student_id, status, late_minutes, note)
       SELECT s.id, st.id, CASE WHEN st.id = $2 THEN 'late' ELSE 'present' END,
              CASE WHEN st.id = $2 THEN 5 END, CASE WHEN st.id = $2 THEN '@bus' END
         FROM s CROSS JOIN (VALUES ($2::uuid), ($3::uuid)) st(id)`,
      [c.sectionA.id, c.ids.ana, c.ids.ben],
    );
    const url = `/api/exports/attendance.csv?sectionId=${c.sectionA.id}&from=2025-09-02&to=2025-09-02`;
    expect(await csv(url)).toEqual([
      'date,section,admissionNumber,firstName,lastName,status,lateMinutes,note,kind,period,subjectCode',
      `2025-09-02,7A,C-1,Ana,Pupil,late,5,"'@bus",daily,0,`,
      '2025-09-02,7A,C-2,Ben,Pupil,present,,,daily,0,',
    ]);
    const twoDays = await csv(url.replace('to=2025-09-02', 'to=2025-09-03'));
    expect(twoDays).toHaveLength(5);

    const other = await registerSchool(t.app);
    const otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    const elsewhere = await call(other, otherOwner, 'GET', url);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('SECTION_NOT_FOUND');
  });

  it('writes the fee invoices with their header (none yet: the header alone)', async () => {
    expect(await csv('/api/exports/fees.csv?status=overdue')).toEqual([
      'invoiceNumber,admissionNumber,firstName,lastName,period,issuedOn,dueOn,currency,totalMinor,paidMinor,balanceMinor,status',
    ]);
  });

  it("gives another school's owner none of this school's rows", async () => {
    const other = await registerSchool(t.app);
    const otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    for (const file of ['students', 'staff', 'guardians', 'fees']) {
      const lines = await csv(`/api/exports/${file}.csv`, otherOwner, other);
      expect(lines).toHaveLength(1);
    }
  });

  it('refuses without data.export, without the view permission, and anonymously', async () => {
    const refused = await call(c.school, c.as.ines, 'GET', '/api/exports/students.csv');
    expect(refused.statusCode).toBe(403);

    // A role with data.export alone: the list's own view permission is still needed.
    const member = await addMember(t, c.school, { firstName: 'Exa', lastName: 'Porter' });
    const role = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/roles', {
        name: 'Exporter',
        permissions: ['data.export'],
      }),
      201,
    );
    bodyOf(
      await call(c.school, c.owner, 'POST', `/api/roles/${role.id}/assignments`, {
        userId: member.userId,
      }),
      201,
    );
    const exporter = await signIn(t.app, c.school.host, member.username, member.password);
    for (const file of ['students', 'staff', 'guardians', 'fees']) {
      expect((await call(c.school, exporter, 'GET', `/api/exports/${file}.csv`)).statusCode).toBe(
        403,
      );
    }
    const anonymous = await call(c.school, null, 'GET', '/api/exports/students.csv');
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('a large CSV export', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('streams 1,200 students complete and in order, over several cursor pages', async () => {
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    await inSchema(
      school,
      `WITH p AS (
         INSERT INTO profiles (kind, first_name, last_name)
         SELECT 'student', 'Pupil', 'P' || lpad(n::text, 5, '0') FROM generate_series(1, 1200) n
         RETURNING id, last_name)
       INSERT INTO students (profile_id, admission_number, admission_date)
       SELECT id, 'L-' || substr(last_name, 2), DATE '2025-09-01' FROM p`,
    );
    const answer = await caller(t)(school, owner, 'GET', '/api/exports/students.csv');
    expect(answer.statusCode).toBe(200);
    const lines = answer.body.slice(1).replace(/\r\n$/, '').split('\r\n');
    expect(lines).toHaveLength(1201);
    const numbers = lines.slice(1).map((line) => line.split(',')[0]);
    expect(numbers).toEqual(
      Array.from({ length: 1200 }, (_, i) => `L-${String(i + 1).padStart(5, '0')}`),
    );
  });
});

describe('the fees CSV', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('writes one row per invoice, with the invoices list filters', async () => {
    const call = caller(t);
    const f = await feesCampus(t);
    bodyOf(
      await call(f.school, f.owner, 'POST', '/api/fees/invoices/generate', {
        academicYearId: f.academicYear.id,
        levelId: f.level.id,
        period: monthKey(monthStart(f.today, -3)),
      }),
      200,
    );
    const [{ invoices }] = await inSchema<{ invoices: number }>(
      f.school,
      'SELECT count(*)::int AS invoices FROM fee_invoices',
    );
    expect(invoices).toBeGreaterThan(1);
    const all = await call(f.school, f.owner, 'GET', '/api/exports/fees.csv');
    const lines = all.body.slice(1).replace(/\r\n$/, '').split('\r\n');
    expect(lines).toHaveLength(invoices + 1);
    for (const line of lines.slice(1)) {
      expect(line).toMatch(
        /^INV-\d{6},F-\d,[A-Z][a-z]+,Pupil,\d{4}-\d{2},\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},[A-Z]{3},\d+,\d+,\d+,[a-z_]+$/,
      );
    }
    const ana = await call(
      f.school,
      f.owner,
      'GET',
      `/api/exports/fees.csv?studentId=${f.ids.ana}`,
    );
    const anaLines = ana.body.slice(1).replace(/\r\n$/, '').split('\r\n').slice(1);
    expect(anaLines).toHaveLength(1);
    expect(anaLines[0]).toMatch(/^INV-\d{6},F-1,Ana,Pupil,/);
  });
});
