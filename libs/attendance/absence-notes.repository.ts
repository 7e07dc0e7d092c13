import { Injectable } from '@nestjs/common';
import { queryPage, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type AbsenceNotePage,
  type AbsenceNotesQuery,
  type AbsenceNoteView,
  type NoteStatus,
  type SubmitAbsenceNoteDto,
} from './dto/absence-notes.dto';

interface NoteRow {
  id: string;
  student_id: string;
  student_name: string;
  from_date: string;
  to_date: string;
  reason: string;
  status: NoteStatus;
  submitted_by: string | null;
  created_at: Date;
  decided_at: Date | null;
  decision_note: string | null;
}

/** The columns of a note's view, over `n` (the note), `sp` (student) and `sb` (who sent it). */
const NOTE_COLUMNS = `n.id, n.student_id, concat_ws(' ', sp.first_name, sp.last_name) AS student_name,
  to_char(n.from_date, 'YYYY-MM-DD') AS from_date, to_char(n.to_date, 'YYYY-MM-DD') AS to_date,
  n.reason, n.status, concat_ws(' ', sb.first_name, sb.last_name) AS submitted_by,
  n.created_at, n.decided_at, n.decision_note`;

const NOTE_JOINS = `JOIN profiles sp ON sp.id = n.student_id
  LEFT JOIN profiles sb ON sb.id = n.submitted_by`;

/** The caller's guardian profile linked to student $2, for account $1. */
const CALLERS_CHILD = `SELECT gp.id AS guardian_id, sg.student_id
    FROM profiles gp JOIN student_guardians sg ON sg.guardian_id = gp.id
   WHERE gp.user_id = $1 AND gp.kind = 'guardian' AND sg.student_id = $2
   LIMIT 1`;

/** Absence notes: guardians send them for their own children, the office decides them. */
@Injectable()
export class AbsenceNotesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * A pending note for the student, if the account is one of their guardians here; undefined
   * otherwise. One statement: the link is checked by the insert itself.
   */
  async submitForChild(
    userId: string,
    studentId: string,
    note: SubmitAbsenceNoteDto,
  ): Promise<AbsenceNoteView | undefined> {
    const row = await selectRow<NoteRow>(
      this.tenant.manager,
      `WITH child AS (${CALLERS_CHILD}),
       n AS (
         INSERT INTO absence_notes (student_id, from_date, to_date, reason, submitted_by)
         SELECT student_id, $3::date, $4::date, $5, guardian_id FROM child
         RETURNING *)
       SELECT ${NOTE_COLUMNS} FROM n ${NOTE_JOINS}`,
      [userId, studentId, note.fromDate, note.toDate, note.reason],
    );
    return row && viewOf(row);
  }

  /** The child's notes, newest first; undefined when the student is not the caller's child. */
  async notesOfChild(userId: string, studentId: string): Promise<AbsenceNoteView[] | undefined> {
    const rows = await selectRows<NoteRow | { id: null }>(
      this.tenant.manager,
      `WITH child AS (${CALLERS_CHILD})
       SELECT ${NOTE_COLUMNS}
         FROM child
         LEFT JOIN absence_notes n ON n.student_id = child.student_id
         LEFT JOIN profiles sp ON sp.id = n.student_id
         LEFT JOIN profiles sb ON sb.id = n.submitted_by
        ORDER BY n.from_date DESC, n.created_at DESC`,
      [userId, studentId],
    );
    if (!rows.length) return undefined;
    return rows.filter((row): row is NoteRow => row.id !== null).map(viewOf);
  }

  /**
   * A page of notes. With `instructorUserId`, only those of students now in a section the
   * account teaches or is homeroom instructor of: a note's reason may be about a child's
   * health, and an instructor needs only their own classes'.
   */
  async page(query: AbsenceNotesQuery, instructorUserId: string | null): Promise<AbsenceNotePage> {
    const filter: unknown[] = [query.status ?? null, query.studentId ?? null, instructorUserId];
    const { rows, meta } = await queryPage<NoteRow>(
      this.tenant.manager,
      {
        select: NOTE_COLUMNS,
        from: `absence_notes n ${NOTE_JOINS}`,
        where: `WHERE ($1::text IS NULL OR n.status = $1) AND ($2::uuid IS NULL OR n.student_id = $2)
                  AND ($3::uuid IS NULL OR n.student_id IN (
                        SELECT ss.student_id
                          FROM profiles me
                          JOIN sections sec ON sec.homeroom_instructor_id = me.id
                                            OR EXISTS (SELECT 1 FROM teaching_assignments ta
                                                        WHERE ta.section_id = sec.id
                                                          AND ta.instructor_id = me.id)
                          JOIN section_students ss ON ss.section_id = sec.id AND ss.left_on IS NULL
                         WHERE me.user_id = $3))`,
        // Pending first, oldest first: the office's queue; then decided, newest first.
        orderBy: `n.status <> 'pending', CASE WHEN n.status = 'pending' THEN n.created_at END,
                  n.created_at DESC, n.id`,
      },
      filter,
      query,
    );
    return { data: rows.map(viewOf), meta };
  }

  /**
   * Approves a pending note and, in the same statement, excuses the student's absences on
   * sessions dated within it (naming the note) and cancels their unsent alerts for those
   * days. Undefined when no pending note has the id (the caller tells 404 from 409).
   */
  async approve(
    id: string,
    userId: string,
    decisionNote: string | null,
  ): Promise<{ note: AbsenceNoteView; excused: number; cancelled: number } | undefined> {
    const row = await selectRow<NoteRow & { excused: number; cancelled: number }>(
      this.tenant.manager,
      `WITH n AS (
         UPDATE absence_notes
            SET status = 'approved', decided_at = now(), decision_note = $3,
                decided_by = (SELECT id FROM profiles WHERE user_id = $2 ORDER BY created_at LIMIT 1)
          WHERE id = $1 AND status = 'pending'
         RETURNING *),
       excused AS (
         UPDATE attendance_records r SET status = 'excused', absence_note_id = n.id
           FROM n, attendance_sessions s
          WHERE s.id = r.session_id AND r.student_id = n.student_id AND r.status = 'absent'
            AND s.on_date BETWEEN n.from_date AND n.to_date
         RETURNING 1),
       cancelled AS (
         UPDATE attendance_alerts a SET cancelled_at = now()
           FROM n
          WHERE a.student_id = n.student_id AND a.on_date BETWEEN n.from_date AND n.to_date
            AND a.sent_at IS NULL AND a.cancelled_at IS NULL
         RETURNING 1)
       SELECT ${NOTE_COLUMNS},
              (SELECT count(*) FROM excused)::int AS excused,
              (SELECT count(*) FROM cancelled)::int AS cancelled
         FROM n ${NOTE_JOINS}`,
      [id, userId, decisionNote],
    );
    return row && { note: viewOf(row), excused: row.excused, cancelled: row.cancelled };
  }

  /** Rejects a pending note; nothing else changes. Undefined when no pending note has the id. */
  async reject(
    id: string,
    userId: string,
    decisionNote: string | null,
  ): Promise<AbsenceNoteView | undefined> {
    const row = await selectRow<NoteRow>(
      this.tenant.manager,
      `WITH n AS (
         UPDATE absence_notes
            SET status = 'rejected', decided_at = now(), decision_note = $3,
                decided_by = (SELECT id FROM profiles WHERE user_id = $2 ORDER BY created_at LIMIT 1)
          WHERE id = $1 AND status = 'pending'
         RETURNING *)
       SELECT ${NOTE_COLUMNS} FROM n ${NOTE_JOINS}`,
      [id, userId, decisionNote],
    );
    return row && viewOf(row);
  }

  /** The note's status, to say why it could not be decided; undefined when there is none. */
  async statusOf(id: string): Promise<NoteStatus | undefined> {
    const row = await selectRow<{ status: NoteStatus }>(
      this.tenant.manager,
      `SELECT status FROM absence_notes WHERE id = $1`,
      [id],
    );
    return row?.status;
  }
}

function viewOf(row: NoteRow): AbsenceNoteView {
  return {
    id: row.id,
    studentId: row.student_id,
    studentName: row.student_name,
    fromDate: row.from_date,
    toDate: row.to_date,
    reason: row.reason,
    status: row.status,
    submittedBy: row.submitted_by || null,
    submittedAt: row.created_at,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
  };
}
