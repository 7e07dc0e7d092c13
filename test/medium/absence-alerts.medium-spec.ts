import { jest } from '@jest/globals';
import {
  AbsenceAlertsDelivery,
  absenceAlertsQueue,
  AbsenceAlertsRepository,
} from '@schoolyard/attendance';
import { selectRow, selectRows } from '@schoolyard/common';
import { AbsenceAlertsPlatformRepository } from '../../libs/attendance/absence-alerts-platform.repository';
import { GuardiansService } from '../../libs/people/guardians.service';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, type TestSchool } from '../support/medium';
import { withOwnerClient } from '../support/test-app';

/*
 * The register's hook and the alert job, on a real school. The register's own API is built
 * elsewhere: sessions and records are written here with SQL in the school's transaction, as
 * its save does, and the hook is called after them. Jobs are not worked in this process
 * (JOBS_WORKER=false) nor, in their own schema, by any other: each test runs the job itself,
 * when it wants, as often as it wants.
 */

let tier: MediumTier;
let school: TestSchool;
let other: TestSchool;
let make: ReturnType<typeof factories>;
let hook: AbsenceAlertsRepository;
let delivery: AbsenceAlertsDelivery;

/** A student with guardians: `withAccount` activated (portal accounts), `without` not. */
interface Family {
  student: string;
  guardians: Array<{ id: string; userId: string | null }>;
}

let day = 0;
/** A date of its own for each test, so that one test's alerts are not another's. */
const nextDate = () => `2026-03-${String(++day).padStart(2, '0')}`;

beforeAll(async () => {
  // Jobs in a schema of their own: the apps of other suites running at the same time work the
  // run's shared queues, and would send these alerts behind the tests' backs.
  tier = await createMediumTier({ JOBS_WORKER: 'false', JOBS_SCHEMA: 'pgboss_absence_alerts' });
  school = await tier.provision();
  other = await tier.provision();
  make = factories(tier);
  hook = tier.get(AbsenceAlertsRepository);
  delivery = tier.get(AbsenceAlertsDelivery);
});

afterAll(() => tier?.close());

async function family(at: TestSchool, withAccount: number, without = 0): Promise<Family> {
  const made = await tier.inSchool(at, async () => {
    const student = await make.makeStudent();
    const guardians: string[] = [];
    for (let n = 0; n < withAccount + without; n++) {
      const guardian = await make.makeGuardian();
      await tier
        .get(GuardiansService)
        .linkStudent(guardian.id, { studentId: student.id, relationship: 'guardian' });
      guardians.push(guardian.id);
    }
    return { student: student.id, guardians };
  });
  const activated = withAccount
    ? await make.activate(at, 'guardian', made.guardians.slice(0, withAccount))
    : [];
  return {
    student: made.student,
    guardians: made.guardians.map((id) => ({
      id,
      userId: activated.find((account) => account.profileId === id)?.userId ?? null,
    })),
  };
}

const newSection = (at: TestSchool) => tier.inSchool(at, async () => (await make.makeSection()).id);

/**
 * Writes the register of `sectionId` on `date` (a daily session, made if need be) with these
 * statuses, then calls the hook in the same transaction, as the register's save does.
 */
function saveRegister(
  at: TestSchool,
  sectionId: string,
  date: string,
  statuses: Record<string, 'present' | 'absent' | 'late' | 'excused'>,
): Promise<string> {
  return tier.inSchool(at, async (db) => {
    const session = await selectRow<{ id: string }>(
      db,
      `INSERT INTO attendance_sessions (section_id, on_date, kind) VALUES ($1, $2, 'daily')
       ON CONFLICT ON CONSTRAINT attendance_sessions_key DO UPDATE SET updated_at = now()
       RETURNING id`,
      [sectionId, date],
    );
    for (const [student, status] of Object.entries(statuses)) {
      await db.query(
        `INSERT INTO attendance_records (session_id, student_id, status, late_minutes)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id, student_id)
           DO UPDATE SET status = EXCLUDED.status, late_minutes = EXCLUDED.late_minutes,
                         absence_note_id = NULL`,
        [session!.id, student, status, status === 'late' ? 5 : null],
      );
    }
    await hook.afterRecordsSaved(session!.id);
    return session!.id;
  });
}

interface AlertRow {
  id: string;
  guardian_id: string;
  sent: boolean;
  cancelled: boolean;
}

const alertsOf = (at: TestSchool, student: string, date: string) =>
  tier.inSchool(at, (db) =>
    selectRows<AlertRow>(
      db,
      `SELECT id, guardian_id, sent_at IS NOT NULL AS sent, cancelled_at IS NOT NULL AS cancelled
         FROM attendance_alerts WHERE student_id = $1 AND on_date = $2 ORDER BY guardian_id`,
      [student, date],
    ),
  );

const notificationsOf = (at: TestSchool, guardian: string) =>
  tier.inSchool(at, (db) =>
    selectRows<{ title: string; body: string; data: object; category: string }>(
      db,
      `SELECT title, body, data, category FROM notifications WHERE profile_id = $1`,
      [guardian],
    ),
  );

const outboxFor = (alertIds: string[]) =>
  withOwnerClient(async (db) => {
    const rows = await db.query<{ recipient: string; template: string; params: object }>(
      `SELECT recipient, template, params FROM public.mail_outbox WHERE dedupe_key = ANY($1)`,
      [alertIds.map((id) => `attendance-alert:${id}`)],
    );
    return rows.rows;
  });

async function verifyEmail(userId: string, email: string): Promise<void> {
  await withOwnerClient((db) =>
    db.query(`UPDATE public.users SET email = $2, email_verified_at = now() WHERE id = $1`, [
      userId,
      email,
    ]),
  );
}

describe('saving a register', () => {
  it('writes one alert per student, day and guardian however often it is saved, and in two sessions of the day', async () => {
    const ana = await family(school, 2);
    const [morning, afternoon] = [await newSection(school), await newSection(school)];
    const date = nextDate();
    for (let n = 0; n < 3; n++)
      await saveRegister(school, morning, date, { [ana.student]: 'absent' });
    await saveRegister(school, afternoon, date, { [ana.student]: 'absent' });
    await saveRegister(school, afternoon, date, { [ana.student]: 'absent' });

    const alerts = await alertsOf(school, ana.student, date);
    expect(alerts.map((alert) => alert.guardian_id).sort()).toEqual(
      ana.guardians.map((guardian) => guardian.id).sort(),
    );
    expect(alerts.every((alert) => !alert.sent && !alert.cancelled)).toBe(true);
  });

  it('alerts only guardians who have an account', async () => {
    const ben = await family(school, 1, 2);
    const date = nextDate();
    await saveRegister(school, await newSection(school), date, { [ben.student]: 'absent' });
    const alerts = await alertsOf(school, ben.student, date);
    expect(alerts.map((alert) => alert.guardian_id)).toEqual([ben.guardians[0].id]);
  });

  it.each(['present', 'late', 'excused'] as const)(
    'writes no alert for a student marked %s',
    async (status) => {
      const cleo = await family(school, 1);
      const date = nextDate();
      await saveRegister(school, await newSection(school), date, { [cleo.student]: status });
      expect(await alertsOf(school, cleo.student, date)).toEqual([]);
    },
  );

  it('queues the school its alert job once the register commits', async () => {
    const dan = await family(school, 1);
    await saveRegister(school, await newSection(school), nextDate(), { [dan.student]: 'absent' });
    const jobs = await withOwnerClient((db) =>
      db.query(
        `SELECT 1 FROM ${tier.config.jobs.schema}.job
          WHERE name = $1 AND singleton_key = $2 AND state = 'created'`,
        [absenceAlertsQueue.name, school.id],
      ),
    );
    expect(jobs.rowCount).toBe(1);
  });

  it('cancels the unsent alert when the register is corrected, unless another session that day still has the absence', async () => {
    const eve = await family(school, 1);
    const [first, second] = [await newSection(school), await newSection(school)];
    const date = nextDate();
    await saveRegister(school, first, date, { [eve.student]: 'absent' });
    await saveRegister(school, second, date, { [eve.student]: 'absent' });

    await saveRegister(school, first, date, { [eve.student]: 'present' });
    expect(await alertsOf(school, eve.student, date)).toMatchObject([{ cancelled: false }]);

    await saveRegister(school, second, date, { [eve.student]: 'late' });
    expect(await alertsOf(school, eve.student, date)).toMatchObject([{ cancelled: true }]);

    // Marked absent again: the same alert is due again, still one.
    await saveRegister(school, second, date, { [eve.student]: 'absent' });
    expect(await alertsOf(school, eve.student, date)).toMatchObject([
      { cancelled: false, sent: false },
    ]);
  });

  it('excuses an absence an approved note covers, naming the note, and alerts nobody', async () => {
    const finn = await family(school, 1);
    const date = nextDate();
    const note = await tier.inSchool(school, (db) =>
      selectRow<{ id: string }>(
        db,
        `INSERT INTO absence_notes (student_id, from_date, to_date, reason, status)
         VALUES ($1, $2::date - 1, $2::date + 1, 'flu', 'approved') RETURNING id`,
        [finn.student, date],
      ),
    );
    const pending = await tier.inSchool(school, (db) =>
      selectRow<{ id: string }>(
        db,
        `INSERT INTO absence_notes (student_id, from_date, to_date, reason)
         VALUES ($1, $2, $2, 'still deciding') RETURNING id`,
        [finn.student, date],
      ),
    );
    expect(pending).toBeDefined();
    const session = await saveRegister(school, await newSection(school), date, {
      [finn.student]: 'absent',
    });
    const record = await tier.inSchool(school, (db) =>
      selectRow(
        db,
        `SELECT status, absence_note_id FROM attendance_records WHERE session_id = $1`,
        [session],
      ),
    );
    expect(record).toEqual({ status: 'excused', absence_note_id: note!.id });
    expect(await alertsOf(school, finn.student, date)).toEqual([]);
  });
});

describe('the alert job', () => {
  it('writes one notification per guardian and mail only to a verified address; running again sends nothing more', async () => {
    const gus = await family(school, 2);
    const [verified, unverified] = gus.guardians;
    await verifyEmail(verified.userId!, `${school.slug}-gus-verified@example.test`);
    await withOwnerClient((db) =>
      db.query(`UPDATE public.users SET email = $2 WHERE id = $1`, [
        unverified.userId,
        `${school.slug}-gus-unverified@example.test`,
      ]),
    );
    const date = nextDate();
    await saveRegister(school, await newSection(school), date, { [gus.student]: 'absent' });

    await delivery.deliver(school.id);
    await delivery.deliver(school.id);

    const alerts = await alertsOf(school, gus.student, date);
    expect(alerts).toHaveLength(2);
    expect(alerts.every((alert) => alert.sent)).toBe(true);
    for (const guardian of gus.guardians) {
      const notifications = await notificationsOf(school, guardian.id);
      expect(notifications).toHaveLength(1);
      expect(notifications[0]).toMatchObject({
        category: 'attendance',
        data: { studentId: gus.student, date },
      });
      expect(notifications[0].title).toMatch(
        /^Student\d+ Pupil was absent on \w+day \d+ March 2026$/,
      );
    }
    const mails = await outboxFor(alerts.map((alert) => alert.id));
    expect(mails).toEqual([
      {
        recipient: `${school.slug}-gus-verified@example.test`,
        template: 'absence-alert',
        params: expect.objectContaining({ date, host: school.host, schoolName: school.name }),
      },
    ]);
  });

  it('sends each mail and notification once when it fails between the mail and the mark and is retried', async () => {
    const hal = await family(school, 1);
    await verifyEmail(hal.guardians[0].userId!, `${school.slug}-hal@example.test`);
    const date = nextDate();
    await saveRegister(school, await newSection(school), date, { [hal.student]: 'absent' });

    // The process "dies" after the mails committed, before the school's transaction did.
    const repository = tier.get(AbsenceAlertsRepository);
    const crash = jest
      .spyOn(repository, 'notifyAndMarkSent')
      .mockRejectedValueOnce(new Error('worker lost mid-job'));
    await expect(delivery.deliver(school.id)).rejects.toThrow('worker lost mid-job');
    crash.mockRestore();

    const [alert] = await alertsOf(school, hal.student, date);
    expect(alert).toMatchObject({ sent: false, cancelled: false });
    expect(await outboxFor([alert.id])).toHaveLength(1);
    expect(await notificationsOf(school, hal.guardians[0].id)).toEqual([]);

    await delivery.deliver(school.id); // the retry
    await delivery.deliver(school.id); // and a job sent twice
    expect(await alertsOf(school, hal.student, date)).toMatchObject([{ sent: true }]);
    expect(await outboxFor([alert.id])).toHaveLength(1);
    expect(await notificationsOf(school, hal.guardians[0].id)).toHaveLength(1);
  });

  it('cancels instead of sending an alert whose absence was corrected behind the register', async () => {
    const ivy = await family(school, 1);
    const date = nextDate();
    const session = await saveRegister(school, await newSection(school), date, {
      [ivy.student]: 'absent',
    });
    // A correction that did not go through the hook (a maintainer's SQL, say).
    await tier.inSchool(school, (db) =>
      db.query(`UPDATE attendance_records SET status = 'present' WHERE session_id = $1`, [session]),
    );
    await delivery.deliver(school.id);
    expect(await alertsOf(school, ivy.student, date)).toMatchObject([
      { sent: false, cancelled: true },
    ]);
    expect(await notificationsOf(school, ivy.guardians[0].id)).toEqual([]);
  });

  it('is found by the fleet sweep when its job was lost, and only for the school that has alerts', async () => {
    const jay = await family(school, 1);
    await saveRegister(school, await newSection(school), nextDate(), { [jay.student]: 'absent' });
    const stale = await sweepSchools();
    expect(stale).toContain(school.id);
    expect(stale).not.toContain(other.id);
    await delivery.deliver(school.id);
    expect(await sweepSchools()).not.toContain(school.id);
  });
});

/** The sweep's look into the fleet, with no minimum age so the alert just written counts. */
function sweepSchools(): Promise<string[]> {
  return tier.get(AbsenceAlertsPlatformRepository).schoolsWithStaleAlerts(0);
}

describe('another school', () => {
  it("sees none of a school's alerts and cannot set them off with its session id", async () => {
    const kim = await family(school, 1);
    const date = nextDate();
    const session = await saveRegister(school, await newSection(school), date, {
      [kim.student]: 'absent',
    });
    await tier.inSchool(other, () => hook.afterRecordsSaved(session));
    const seen = await tier.inSchool(other, (db) =>
      selectRows(db, `SELECT 1 FROM attendance_alerts UNION ALL SELECT 1 FROM notifications`),
    );
    expect(seen).toEqual([]);

    await delivery.deliver(other.id);
    expect(await alertsOf(school, kim.student, date)).toMatchObject([{ sent: false }]);
  });
});
