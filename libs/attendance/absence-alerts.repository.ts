import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { AbsenceAlertsQueue } from './absence-alerts.queue';

/** A pending alert as its job claims it, with what the messages need. */
export interface ClaimedAlert {
  id: string;
  studentId: string;
  guardianId: string;
  /** The guardian's account (public.users), where a mail may go. */
  guardianUserId: string | null;
  studentName: string;
  /** YYYY-MM-DD, the school's local date of the absence. */
  onDate: string;
  /**
   * The student is still absent, unexcused, that day and the guardian is still theirs with an
   * account: otherwise the alert is cancelled instead of sent.
   */
  stillDue: boolean;
}

/** What the in-app notification of one alert says. */
export interface AlertNotice {
  alertId: string;
  title: string;
  body: string;
}

/**
 * What saving a register sets off, in the same transaction: absences an approved note covers
 * become excused, and each unexcused absence queues one alert per student, day and guardian.
 * Also the school side of the alert job: claiming, cancelling and marking alerts sent.
 */
@Injectable()
export class AbsenceAlertsRepository {
  constructor(
    private readonly tenant: TenantContext,
    private readonly queue: AbsenceAlertsQueue,
  ) {}

  /**
   * Called by the register's save after its records are written, before they are read back.
   * One statement whatever the size of the class:
   *
   * - an absence an approved note covers becomes `excused`, naming the note;
   * - every other absence in the session gets one alert per linked guardian with an account
   *   (the unique key makes saving again, or a second session that day, add nothing); an
   *   alert cancelled by an earlier correction and not yet sent is revived;
   * - unsent alerts of that day for this session's students who are now absent in no session
   *   of the day are cancelled (the register was corrected).
   *
   * The statement's CTEs all see the records as they were before it, so an absence excused by
   * this statement is left out of the alerts and does not hold back a cancellation by hand.
   * If an alert was written, the school's alert job is sent once the transaction commits.
   */
  async afterRecordsSaved(sessionId: string): Promise<void> {
    const row = await selectRow<{ alerted: number }>(
      this.tenant.manager,
      `WITH session AS (
         SELECT id, on_date FROM attendance_sessions WHERE id = $1),
       excused AS (
         UPDATE attendance_records r
            SET status = 'excused',
                absence_note_id = (SELECT n.id FROM absence_notes n
                                    WHERE n.student_id = r.student_id AND n.status = 'approved'
                                      AND s.on_date BETWEEN n.from_date AND n.to_date
                                    ORDER BY n.created_at LIMIT 1)
           FROM session s
          WHERE r.session_id = s.id AND r.status = 'absent'
            AND EXISTS (SELECT 1 FROM absence_notes n
                         WHERE n.student_id = r.student_id AND n.status = 'approved'
                           AND s.on_date BETWEEN n.from_date AND n.to_date)
         RETURNING r.student_id),
       absent AS (
         SELECT r.student_id, s.on_date
           FROM attendance_records r JOIN session s ON s.id = r.session_id
          WHERE r.status = 'absent' AND r.student_id NOT IN (SELECT student_id FROM excused)),
       alerted AS (
         INSERT INTO attendance_alerts AS a (student_id, on_date, guardian_id)
         SELECT ab.student_id, ab.on_date, sg.guardian_id
           FROM absent ab
           JOIN student_guardians sg ON sg.student_id = ab.student_id
           JOIN profiles gp ON gp.id = sg.guardian_id AND gp.user_id IS NOT NULL
         ON CONFLICT ON CONSTRAINT attendance_alerts_key
           DO UPDATE SET cancelled_at = NULL, created_at = now()
            WHERE a.sent_at IS NULL AND a.cancelled_at IS NOT NULL
         RETURNING 1),
       cancelled AS (
         UPDATE attendance_alerts a SET cancelled_at = now()
           FROM session s
          WHERE a.on_date = s.on_date AND a.sent_at IS NULL AND a.cancelled_at IS NULL
            AND a.student_id IN (SELECT student_id FROM attendance_records WHERE session_id = s.id)
            AND a.student_id NOT IN (SELECT student_id FROM absent)
            AND NOT EXISTS (
                  SELECT 1 FROM attendance_records r
                    JOIN attendance_sessions other ON other.id = r.session_id
                   WHERE other.on_date = s.on_date AND other.id <> s.id
                     AND r.student_id = a.student_id AND r.status = 'absent')
         RETURNING 1)
       SELECT (SELECT count(*) FROM alerted)::int AS alerted,
              (SELECT count(*) FROM cancelled)::int AS cancelled`,
      [sessionId],
    );
    if (row && row.alerted > 0) {
      const schoolId = this.tenant.school.id;
      this.tenant.afterCommit(() => this.queue.sendSoon(schoolId));
    }
  }

  /**
   * Up to `limit` pending alerts, oldest first, locked until the job's transaction ends (SKIP
   * LOCKED: one a register save is cancelling right now is left for the next batch), each
   * checked again against the registers: an absence corrected or excused since is not sent.
   */
  claimPending(limit: number): Promise<ClaimedAlert[]> {
    return selectRows<ClaimedAlert>(
      this.tenant.manager,
      `SELECT a.id, a.student_id AS "studentId", a.guardian_id AS "guardianId",
              gp.user_id AS "guardianUserId",
              concat_ws(' ', sp.first_name, sp.last_name) AS "studentName",
              to_char(a.on_date, 'YYYY-MM-DD') AS "onDate",
              (gp.user_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM student_guardians sg
                            WHERE sg.student_id = a.student_id AND sg.guardian_id = a.guardian_id)
               AND EXISTS (SELECT 1 FROM attendance_records r
                             JOIN attendance_sessions s ON s.id = r.session_id
                            WHERE r.student_id = a.student_id AND s.on_date = a.on_date
                              AND r.status = 'absent')) AS "stillDue"
         FROM attendance_alerts a
         JOIN profiles sp ON sp.id = a.student_id
         JOIN profiles gp ON gp.id = a.guardian_id
        WHERE a.sent_at IS NULL AND a.cancelled_at IS NULL
        ORDER BY a.created_at, a.id
        LIMIT $1
        FOR UPDATE OF a SKIP LOCKED`,
      [limit],
    );
  }

  async cancel(alertIds: string[]): Promise<void> {
    if (!alertIds.length) return;
    await execute(
      this.tenant.manager,
      `UPDATE attendance_alerts SET cancelled_at = now()
        WHERE id = ANY($1::uuid[]) AND sent_at IS NULL AND cancelled_at IS NULL`,
      [alertIds],
    );
  }

  /**
   * Writes each guardian's in-app notification and marks the alerts sent, in one statement of
   * the job's transaction: both or neither. `source_key` names the alert, so a notification
   * is never written twice even if an alert were sent again.
   */
  async notifyAndMarkSent(notices: AlertNotice[]): Promise<void> {
    if (!notices.length) return;
    await execute(
      this.tenant.manager,
      `WITH due AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d(id, title, body)),
       sent AS (
         UPDATE attendance_alerts a SET sent_at = now()
           FROM due
          WHERE a.id = due.id AND a.sent_at IS NULL AND a.cancelled_at IS NULL
         RETURNING a.id, a.student_id, a.guardian_id, a.on_date, due.title, due.body)
       INSERT INTO notifications (profile_id, category, title, body, data, source_key)
       SELECT guardian_id, 'attendance', title, body,
              jsonb_build_object('studentId', student_id, 'date', to_char(on_date, 'YYYY-MM-DD')),
              'attendance-alert:' || id
         FROM sent
       ON CONFLICT ON CONSTRAINT notifications_source_key DO NOTHING`,
      [notices.map((n) => n.alertId), notices.map((n) => n.title), notices.map((n) => n.body)],
    );
  }
}
