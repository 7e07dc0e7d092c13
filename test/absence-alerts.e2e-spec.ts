import { AbsenceAlertsRepository } from '@schoolyard/attendance';
import { SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { randomBytes } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { mailsTo, mailTo } from './support/mailbox';
import { createTestApp, type TestApp, withOwnerClient } from './support/test-app';

/*
 * An absence alert from the register's save to the guardian's mailbox, through the
 * application's own job runner, dispatcher and SMTP delivery: nothing is called by hand but
 * the register's save, which another part of the API will make (here: SQL and the hook in
 * the school's transaction, as that save does).
 */

let t: TestApp;
let c: Campus;
let gwenEmail: string;

beforeAll(async () => {
  t = await createTestApp();
  c = await campus(t);
  gwenEmail = `gwen-${randomBytes(5).toString('hex')}@mail.test`;
  await withOwnerClient((db) =>
    db.query(
      `UPDATE public.users SET email = $2, email_verified_at = now()
        WHERE id = (SELECT user_id FROM "school_${c.school.slug.replace(/-/g, '_')}".profiles
                     WHERE id = $1)`,
      [c.ids.gwen, gwenEmail],
    ),
  );
});

afterAll(() => t?.close());

/** Saves 7A's daily register of `date` with Ana and Ben absent, then the hook, and commits. */
async function saveRegister(date: string): Promise<void> {
  const school = await t.app.get(SchoolDirectory).findByHost(c.school.host);
  await t.app.get(TenantTransactions).run(school!, async (db: EntityManager) => {
    const [session] = (await db.query(
      `INSERT INTO attendance_sessions (section_id, on_date, kind) VALUES ($1, $2, 'daily')
       ON CONFLICT ON CONSTRAINT attendance_sessions_key DO UPDATE SET updated_at = now()
       RETURNING id`,
      [c.sectionA.id, date],
    )) as Array<{ id: string }>;
    await db.query(
      `INSERT INTO attendance_records (session_id, student_id, status)
       SELECT $1, unnest($2::uuid[]), 'absent'
       ON CONFLICT (session_id, student_id) DO UPDATE SET status = 'absent'`,
      [session.id, [c.ids.ana, c.ids.ben]],
    );
    await t.app.get(AbsenceAlertsRepository).afterRecordsSaved(session.id);
  });
}

const alertState = () =>
  withOwnerClient(async (db) => {
    const rows = await db.query<{ sent: boolean }>(
      `SELECT sent_at IS NOT NULL AS sent
         FROM "school_${c.school.slug.replace(/-/g, '_')}".attendance_alerts`,
    );
    return rows.rows;
  });

it("mails the guardian once, and puts it in their inbox, however often the day's register is saved", async () => {
  await saveRegister('2026-01-19');
  const mail = await mailTo(gwenEmail, { template: 'absence-alert' });
  expect(mail.subject).toBe(`Ana Pupil was absent from ${c.school.name} on Monday 19 January 2026`);
  expect(mail.text).toContain(`://${c.school.host}`);
  expect(mail.token).toBeNull();

  await saveRegister('2026-01-19');
  await saveRegister('2026-01-19');
  // Ben has no guardian: Gwen's is the only alert, and it is marked sent (just after its
  // mail was written, so perhaps after the mail arrived).
  const deadline = Date.now() + 10_000;
  while (!(await alertState()).every((alert) => alert.sent) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await alertState()).toEqual([{ sent: true }]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await mailsTo(gwenEmail, { template: 'absence-alert' })).toHaveLength(1);

  const inbox = await withOwnerClient(async (db) => {
    const rows = await db.query<{ title: string; data: object }>(
      `SELECT title, data FROM "school_${c.school.slug.replace(/-/g, '_')}".notifications
        WHERE profile_id = $1`,
      [c.ids.gwen],
    );
    return rows.rows;
  });
  expect(inbox).toEqual([
    {
      title: 'Ana Pupil was absent on Monday 19 January 2026',
      data: { studentId: c.ids.ana, date: '2026-01-19' },
    },
  ]);

  // Gwen answers with a note from the address in the message.
  bodyOf(
    await caller(t)(
      c.school,
      c.as.gwen,
      'POST',
      `/api/guardians/my-children/${c.ids.ana}/absence-notes`,
      {
        fromDate: '2026-01-19',
        toDate: '2026-01-19',
        reason: 'Dentist',
      },
    ),
    201,
  );
});
