import { bodyOf, caller, type Method, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/*
 * Absence notes through the HTTP API: a guardian sends one for their own child, the office
 * approves or rejects it. The registers are another part's API: the absences and alerts a
 * decision acts on are written here with SQL, as the register's save leaves them.
 */

interface NoteView {
  id: string;
  studentId: string;
  studentName: string;
  fromDate: string;
  toDate: string;
  reason: string;
  status: string;
  submittedBy: string | null;
  decisionNote: string | null;
  excusedRecords?: number;
  cancelledAlerts?: number;
}

let t: TestApp;
let c: Campus;
let otherSchool: RegisteredSchool;
let otherOwner: SignedIn;
const call = caller(() => t);

beforeAll(async () => {
  t = await createTestApp();
  c = await campus(t);
  otherSchool = await registerSchool(t.app);
  otherOwner = await signIn(t.app, otherSchool.host, otherSchool.ownerUsername);
});

afterAll(() => t?.close());

const schemaOf = (school: RegisteredSchool) => `school_${school.slug.replace(/-/g, '_')}`;

const fileNote = async (fromDate: string, toDate: string, reason = 'Flu') =>
  bodyOf<NoteView>(
    await call(
      c.school,
      c.as.gwen,
      'POST',
      `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
      {
        fromDate,
        toDate,
        reason,
      },
    ),
    201,
  );

/** Ana absent on `date` in 7A's daily register, with Gwen's alert for the day unsent. */
async function absentWithAlert(date: string): Promise<void> {
  const schema = schemaOf(c.school);
  await withOwnerClient(async (db) => {
    const session = await db.query<{ id: string }>(
      `INSERT INTO "${schema}".attendance_sessions (section_id, on_date, kind)
       VALUES ($1, $2, 'daily') RETURNING id`,
      [c.sectionA.id, date],
    );
    await db.query(
      `INSERT INTO "${schema}".attendance_records (session_id, student_id, status)
       VALUES ($1, $2, 'absent')`,
      [session.rows[0].id, c.ids.ana],
    );
    await db.query(
      `INSERT INTO "${schema}".attendance_alerts (student_id, guardian_id, on_date)
       VALUES ($1, $2, $3)`,
      [c.ids.ana, c.ids.gwen, date],
    );
  });
}

async function stateOn(date: string) {
  const schema = schemaOf(c.school);
  return withOwnerClient(async (db) => {
    const records = await db.query<{ status: string; absence_note_id: string | null }>(
      `SELECT r.status, r.absence_note_id FROM "${schema}".attendance_records r
         JOIN "${schema}".attendance_sessions s ON s.id = r.session_id
        WHERE s.on_date = $1 AND r.student_id = $2`,
      [date, c.ids.ana],
    );
    const alerts = await db.query<{ cancelled: boolean }>(
      `SELECT cancelled_at IS NOT NULL AS cancelled FROM "${schema}".attendance_alerts
        WHERE on_date = $1 AND student_id = $2`,
      [date, c.ids.ana],
    );
    return { records: records.rows, alerts: alerts.rows };
  });
}

describe("a guardian's notes", () => {
  it('files a pending note for their own child and lists it', async () => {
    const note = await fileNote('2026-01-12', '2026-01-13', 'Ana has the flu.\nBack Wednesday.');
    expect(note).toMatchObject({
      studentId: c.ids.ana,
      studentName: 'Ana Pupil',
      fromDate: '2026-01-12',
      toDate: '2026-01-13',
      reason: 'Ana has the flu.\nBack Wednesday.',
      status: 'pending',
      submittedBy: 'Gwen Guardian',
    });
    const listed = bodyOf<NoteView[]>(
      await call(
        c.school,
        c.as.gwen,
        'GET',
        `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
      ),
      200,
    );
    expect(listed.map((n) => n.id)).toContain(note.id);
  });

  it.each([
    ["another family's child", 'ben', 'POST'],
    ["another family's child", 'ben', 'GET'],
    ['a student who does not exist', 'unknown', 'POST'],
  ] as const)('cannot reach %s (%s) with %s: 404', async (_whose, child, method: Method) => {
    const id = child === 'unknown' ? '00000000-0000-4000-8000-0000000000aa' : c.ids[child];
    const response = await call(
      c.school,
      c.as.gwen,
      method,
      `/api/guardians/my-children/${id}/absence-notes`,
      method === 'POST' ? { fromDate: '2026-01-12', toDate: '2026-01-12', reason: 'x' } : undefined,
    );
    expect(bodyOf<{ error: { code: string } }>(response, 404).error.code).toBe('CHILD_NOT_FOUND');
  });

  it('a student is no guardian, even of themselves: 404', async () => {
    const response = await call(
      c.school,
      c.as.ana,
      'GET',
      `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
    );
    expect(response.statusCode).toBe(404);
  });

  it.each([
    ['toDate before fromDate', { fromDate: '2026-01-12', toDate: '2026-01-11', reason: 'x' }],
    ['more than 60 days', { fromDate: '2026-01-01', toDate: '2026-03-02', reason: 'x' }],
    ['a date that does not exist', { fromDate: '2026-02-30', toDate: '2026-03-01', reason: 'x' }],
    ['a date and time', { fromDate: '2026-01-12T08:00:00Z', toDate: '2026-01-12', reason: 'x' }],
    ['no reason', { fromDate: '2026-01-12', toDate: '2026-01-12', reason: '  ' }],
    ['a control character', { fromDate: '2026-01-12', toDate: '2026-01-12', reason: 'a\u0007' }],
    [
      'an unknown field',
      { fromDate: '2026-01-12', toDate: '2026-01-12', reason: 'x', status: 'approved' },
    ],
  ])('refuses %s with 400 and writes nothing', async (_why, payload) => {
    const before = await notesOfAna();
    const response = await call(
      c.school,
      c.as.gwen,
      'POST',
      `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
      payload,
    );
    expect(bodyOf<{ error: { code: string } }>(response, 400).error.code).toBe('VALIDATION_FAILED');
    expect(await notesOfAna()).toBe(before);
  });
});

async function notesOfAna(): Promise<number> {
  return withOwnerClient(async (db) => {
    const rows = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schemaOf(c.school)}".absence_notes WHERE student_id = $1`,
      [c.ids.ana],
    );
    return rows.rows[0].n;
  });
}

describe("the office's decisions", () => {
  it('approving excuses the absences on its days, naming the note, and cancels their unsent alerts', async () => {
    await absentWithAlert('2026-02-02');
    await absentWithAlert('2026-02-05'); // outside the note
    const note = await fileNote('2026-02-02', '2026-02-03');

    const approved = bodyOf<NoteView>(
      await call(c.school, c.owner, 'POST', `/api/attendance/absence-notes/${note.id}/approve`, {
        note: 'Doctor’s letter seen',
      }),
      200,
    );
    expect(approved).toMatchObject({
      status: 'approved',
      decisionNote: 'Doctor’s letter seen',
      excusedRecords: 1,
      cancelledAlerts: 1,
    });
    expect(await stateOn('2026-02-02')).toEqual({
      records: [{ status: 'excused', absence_note_id: note.id }],
      alerts: [{ cancelled: true }],
    });
    expect(await stateOn('2026-02-05')).toEqual({
      records: [{ status: 'absent', absence_note_id: null }],
      alerts: [{ cancelled: false }],
    });

    const mine = bodyOf<NoteView[]>(
      await call(
        c.school,
        c.as.gwen,
        'GET',
        `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
      ),
      200,
    );
    expect(mine.find((n) => n.id === note.id)).toMatchObject({ status: 'approved' });
  });

  it('rejecting changes nothing but the note', async () => {
    await absentWithAlert('2026-02-09');
    const note = await fileNote('2026-02-09', '2026-02-09');
    const rejected = bodyOf<NoteView>(
      await call(c.school, c.owner, 'POST', `/api/attendance/absence-notes/${note.id}/reject`, {}),
      200,
    );
    expect(rejected).toMatchObject({ status: 'rejected', excusedRecords: 0, cancelledAlerts: 0 });
    expect(await stateOn('2026-02-09')).toEqual({
      records: [{ status: 'absent', absence_note_id: null }],
      alerts: [{ cancelled: false }],
    });
  });

  it.each(['approve', 'reject'])(
    'a decided note cannot be decided again (%s): 409',
    async (verb) => {
      const note = await fileNote('2026-02-16', '2026-02-16');
      bodyOf(
        await call(
          c.school,
          c.owner,
          'POST',
          `/api/attendance/absence-notes/${note.id}/reject`,
          {},
        ),
        200,
      );
      const again = await call(
        c.school,
        c.owner,
        'POST',
        `/api/attendance/absence-notes/${note.id}/${verb}`,
        {},
      );
      expect(bodyOf<{ error: { code: string } }>(again, 409).error.code).toBe(
        'ABSENCE_NOTE_DECIDED',
      );
    },
  );

  it.each([
    ['a student', 'ana', 'POST', 'approve'],
    ['a teacher without attendance.manage', 'ines', 'POST', 'approve'],
    ['a teacher without attendance.manage', 'ines', 'POST', 'reject'],
    ['a guardian', 'gwen', 'POST', 'approve'],
    ['a guardian', 'gwen', 'GET', 'list'],
    ['a student', 'ana', 'GET', 'list'],
  ] as const)('%s (%s) cannot %s to %s notes: 403', async (_who, who, method, verb) => {
    const note = await fileNote('2026-02-23', '2026-02-23');
    const url =
      verb === 'list'
        ? '/api/attendance/absence-notes'
        : `/api/attendance/absence-notes/${note.id}/${verb}`;
    const response = await call(
      c.school,
      c.as[who],
      method,
      url,
      method === 'POST' ? {} : undefined,
    );
    expect(response.statusCode).toBe(403);
    const [still] = (await listNotes(c.owner, `?studentId=${c.ids.ana}&pageSize=100`)).data.filter(
      (n) => n.id === note.id,
    );
    expect(still.status).toBe('pending');
  });

  it("shows an instructor only their own classes' notes; the office sees every one", async () => {
    const note = await fileNote('2026-03-03', '2026-03-03');
    const seenBy = async (who: SignedIn) =>
      (await listNotes(who, '?pageSize=100')).data.map((n) => n.id);
    expect(await seenBy(c.as.ines)).toContain(note.id); // Ana is in 7A, which Ines teaches
    expect(await seenBy(c.as.otto)).not.toContain(note.id); // Otto teaches 7B only
    expect(await seenBy(c.owner)).toContain(note.id);
  });

  it('lists notes by status and student for a teacher with attendance.view, pending first', async () => {
    const note = await fileNote('2026-03-02', '2026-03-02');
    const pending = await listNotes(
      c.as.ines,
      `?status=pending&studentId=${c.ids.ana}&pageSize=100`,
    );
    expect(pending.data.map((n) => n.id)).toContain(note.id);
    expect(pending.data.every((n) => n.status === 'pending' && n.studentId === c.ids.ana)).toBe(
      true,
    );
    const ofBen = await listNotes(c.owner, `?studentId=${c.ids.ben}`);
    expect(ofBen).toMatchObject({ data: [], meta: { total: 0 } });
    const all = await listNotes(c.owner, '?pageSize=100');
    const firstDecided = all.data.findIndex((n) => n.status !== 'pending');
    const lastPending = all.data.map((n) => n.status).lastIndexOf('pending');
    expect(firstDecided).toBeGreaterThan(lastPending);
  });

  it('refuses an unknown status filter with 400', async () => {
    const response = await call(
      c.school,
      c.owner,
      'GET',
      '/api/attendance/absence-notes?status=lost',
    );
    expect(response.statusCode).toBe(400);
  });
});

async function listNotes(who: SignedIn, query: string): Promise<Page<NoteView>> {
  return bodyOf<Page<NoteView>>(
    await call(c.school, who, 'GET', `/api/attendance/absence-notes${query}`),
    200,
  );
}

describe('another school', () => {
  it("sees none of this school's notes and cannot decide them: 404", async () => {
    const note = await fileNote('2026-03-09', '2026-03-09');
    const listed = bodyOf<Page<NoteView>>(
      await call(otherSchool, otherOwner, 'GET', '/api/attendance/absence-notes?pageSize=100'),
      200,
    );
    expect(listed.data).toEqual([]);
    for (const verb of ['approve', 'reject']) {
      const response = await call(
        otherSchool,
        otherOwner,
        'POST',
        `/api/attendance/absence-notes/${note.id}/${verb}`,
        {},
      );
      expect(bodyOf<{ error: { code: string } }>(response, 404).error.code).toBe(
        'ABSENCE_NOTE_NOT_FOUND',
      );
    }
    const filed = await call(
      otherSchool,
      otherOwner,
      'POST',
      `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
      { fromDate: '2026-03-09', toDate: '2026-03-09', reason: 'x' },
    );
    expect(filed.statusCode).toBe(404);
    expect(
      (await listNotes(c.owner, `?studentId=${c.ids.ana}&pageSize=100`)).data.map((n) => n.id),
    ).toContain(note.id);
  });
});
