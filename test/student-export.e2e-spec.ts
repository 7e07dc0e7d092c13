import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { inSchema } from './support/school-year';
import { createTestApp, registerSchool, signIn, type TestApp } from './support/test-app';

/**
 * The subject-access export: everything held about one student, none of another student's
 * data, no secret, and nothing across schools.
 */
describe('a student subject-access export', () => {
  let t: TestApp;
  let c: Campus;
  const call = caller(() => t);
  beforeAll(async () => {
    t = await createTestApp();
    c = await campus(t);
  });
  afterAll(() => t.close());

  it("holds the student's own records and none of another student's or any secret", async () => {
    await inSchema(
      c.school,
      `WITH s AS (INSERT INTO attendance_sessions (section_id, on_date, kind, period)
                  VALUES ($1, '2025-09-02', 'daily', 0) RETURNING id)
       INSERT INTO attendance_records (session_id, student_id, status, note)
       SELECT s.id, v.id, 'absent', v.note FROM s,
              (VALUES ($2::uuid, 'ana was away'), ($3::uuid, 'ben was away')) v(id, note)`,
      [c.sectionA.id, c.ids.ana, c.ids.ben],
    );
    bodyOf(
      await call(c.school, c.owner, 'PATCH', `/api/students/${c.ids.ana}`, { firstName: 'Anya' }),
      200,
    );
    const answer = await call(c.school, c.owner, 'GET', `/api/students/${c.ids.ana}/export`);
    const body = bodyOf<Record<string, unknown>>(answer, 200);

    expect(body.student).toMatchObject({
      id: c.ids.ana,
      firstName: 'Anya',
      admissionNumber: 'C-1',
    });
    expect(body.account).toMatchObject({ username: expect.any(String), isActive: true });
    expect(body.guardians).toEqual([
      expect.objectContaining({ id: c.ids.gwen, firstName: 'Gwen', relationship: 'mother' }),
    ]);
    expect(body.enrolments).toEqual([
      expect.objectContaining({ sectionId: c.sectionA.id, section: '7A', leftOn: null }),
    ]);
    expect(body.attendance).toEqual([
      expect.objectContaining({ date: '2025-09-02', status: 'absent', note: 'ana was away' }),
    ]);
    expect(body.auditEvents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'updated', after: { first_name: 'Anya' } }),
      ]),
    );
    for (const section of ['invoices', 'receipts', 'examMarks', 'messages', 'notifications']) {
      expect(Array.isArray(body[section])).toBe(true);
    }

    const text = answer.body;
    expect(text).not.toContain('ben was away');
    expect(text).not.toContain(c.ids.ben);
    expect(text).not.toContain(c.ids.cleo);
    expect(text).not.toMatch(/password|hash|token|secret/i);
    const secrets = await inSchema<{ hash: string }>(
      c.school,
      `SELECT u.password_hash AS hash FROM profiles p JOIN public.users u ON u.id = p.user_id
        WHERE p.id = $1`,
      [c.ids.ana],
    );
    expect(secrets[0].hash.length).toBeGreaterThan(10);
    expect(text).not.toContain(secrets[0].hash);
  });

  it("answers 404 for another school's student and for a stranger id", async () => {
    const other = await registerSchool(t.app);
    const otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    const elsewhere = await call(other, otherOwner, 'GET', `/api/students/${c.ids.ana}/export`);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('STUDENT_NOT_FOUND');
    expect(elsewhere.body).not.toContain('Anya');
  });

  it('refuses without data.export and anonymously', async () => {
    const url = `/api/students/${c.ids.ana}/export`;
    expect((await call(c.school, c.as.ines, 'GET', url)).statusCode).toBe(403);
    expect((await call(c.school, c.as.ana, 'GET', url)).statusCode).toBe(403);
    expect((await call(c.school, null, 'GET', url)).statusCode).toBe(401);
  });
});
