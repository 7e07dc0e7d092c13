import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

/*
 * Everything the school holds about one student, for a subject-access request: one
 * statement per section whatever the amount of data, each answering JSON rows with the
 * API's camelCase names. Secrets are never selected: no password hash, no token, no sealed
 * temporary password (the account section names its columns one by one).
 */

type Json = Record<string, unknown>;

/** `SELECT coalesce(jsonb_agg(x ORDER BY …), '[]') FROM (…) x`, as one array per section. */
const rowsOf = (inner: string, orderBy: string) =>
  `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY ${orderBy}), '[]'::jsonb) AS items FROM (${inner}) x`;

const SECTIONS = {
  guardians: rowsOf(
    `SELECT p.id, p.first_name AS "firstName", p.middle_name AS "middleName",
            p.last_name AS "lastName", p.email, g.phone, sg.relationship
       FROM student_guardians sg JOIN profiles p ON p.id = sg.guardian_id
       LEFT JOIN guardians g ON g.profile_id = sg.guardian_id
      WHERE sg.student_id = $1`,
    'x."lastName", x."firstName", x.id',
  ),
  enrolments: rowsOf(
    `SELECT sec.id AS "sectionId", sec.name AS section, lvl.name AS level,
            yr.name AS "academicYear", ss.joined_on::text AS "joinedOn", ss.left_on::text AS "leftOn"
       FROM section_students ss JOIN sections sec ON sec.id = ss.section_id
       LEFT JOIN academic_levels lvl ON lvl.id = sec.level_id
       LEFT JOIN academic_years yr ON yr.id = sec.academic_year_id
      WHERE ss.student_id = $1`,
    'x."joinedOn", x."sectionId"',
  ),
  attendance: rowsOf(
    `SELECT ses.on_date::text AS date, sec.name AS section, ses.kind, ses.period,
            sub.code AS "subjectCode", r.status, r.late_minutes AS "lateMinutes", r.note,
            r.recorded_at AS "recordedAt"
       FROM attendance_records r JOIN attendance_sessions ses ON ses.id = r.session_id
       JOIN sections sec ON sec.id = ses.section_id
       LEFT JOIN subjects sub ON sub.id = ses.subject_id
      WHERE r.student_id = $1`,
    'x.date, x.period',
  ),
  absenceNotes: rowsOf(
    `SELECT id, from_date::text AS "fromDate", to_date::text AS "toDate", reason, status,
            decided_at AS "decidedAt", decision_note AS "decisionNote", created_at AS "createdAt"
       FROM absence_notes WHERE student_id = $1`,
    'x."fromDate", x.id',
  ),
  submissions: rowsOf(
    `SELECT id, content_id AS "contentId", status, attempt_count AS "attemptCount",
            submitted_at AS "submittedAt", is_late AS "isLate", points, feedback,
            graded_at AS "gradedAt"
       FROM submissions WHERE student_id = $1`,
    'x."submittedAt" NULLS LAST, x.id',
  ),
  examMarks: rowsOf(
    `SELECT e.name AS exam, sub.code AS "subjectCode", sub.name AS subject, m.marks,
            m.is_absent AS "isAbsent", pa.max_marks AS "maxMarks", m.entered_at AS "enteredAt"
       FROM exam_marks m JOIN exam_papers pa ON pa.id = m.paper_id
       JOIN exams e ON e.id = pa.exam_id
       LEFT JOIN subjects sub ON sub.id = pa.subject_id
      WHERE m.student_id = $1`,
    'x."enteredAt", x.exam, x."subjectCode"',
  ),
  examResults: rowsOf(
    `SELECT e.name AS exam, r.total, r.max_total AS "maxTotal", r.percentage, r.passed,
            r.papers_absent AS "papersAbsent", r.section_rank AS "sectionRank",
            r.computed_at AS "computedAt"
       FROM exam_results r JOIN exams e ON e.id = r.exam_id
      WHERE r.student_id = $1`,
    'x."computedAt", x.exam',
  ),
  invoices: rowsOf(
    `SELECT id, number, period_key AS "periodKey", issued_on::text AS "issuedOn",
            due_on::text AS "dueOn", status, currency, total_minor::text AS "totalMinor",
            credited_minor::text AS "creditedMinor", paid_minor::text AS "paidMinor",
            balance_minor::text AS "balanceMinor", void_reason AS "voidReason"
       FROM fee_invoices WHERE student_id = $1`,
    'x.number',
  ),
  receipts: rowsOf(
    `SELECT id, number, method, amount_minor::text AS "amountMinor",
            applied_minor::text AS "appliedMinor", currency, reference,
            received_on::text AS "receivedOn"
       FROM fee_receipts WHERE student_id = $1`,
    'x.number',
  ),
  creditNotes: rowsOf(
    `SELECT id, number, invoice_id AS "invoiceId", amount_minor::text AS "amountMinor",
            reason, issued_on::text AS "issuedOn"
       FROM fee_credit_notes WHERE student_id = $1`,
    'x.number',
  ),
  refunds: rowsOf(
    `SELECT id, number, amount_minor::text AS "amountMinor", method, reference, reason,
            refunded_on::text AS "refundedOn"
       FROM fee_refunds WHERE student_id = $1`,
    'x.number',
  ),
  creditEntries: rowsOf(
    `SELECT id, kind, amount_minor::text AS "amountMinor", created_at AS "createdAt"
       FROM fee_credit_entries WHERE student_id = $1`,
    'x."createdAt", x.id',
  ),
  notifications: rowsOf(
    `SELECT id, category, title, body, created_at AS "createdAt", read_at AS "readAt"
       FROM notifications WHERE profile_id = $1`,
    'x."createdAt", x.id',
  ),
  messages: rowsOf(
    `SELECT m.id, t.id AS "threadId", t.subject, m.author_id AS "authorId", m.body,
            m.created_at AS "createdAt"
       FROM message_thread_participants tp JOIN message_threads t ON t.id = tp.thread_id
       JOIN messages m ON m.thread_id = t.id
      WHERE tp.profile_id = $1`,
    'x."createdAt", x.id',
  ),
  announcementReceipts: rowsOf(
    `SELECT a.id AS "announcementId", a.title, a.published_at AS "publishedAt", ar.read_at AS "readAt"
       FROM announcement_recipients ar JOIN announcements a ON a.id = ar.announcement_id
      WHERE ar.profile_id = $1`,
    'x."publishedAt" NULLS LAST, x."announcementId"',
  ),
  auditEvents: rowsOf(
    `SELECT id, at, action, entity_type AS "entityType", entity_id AS "entityId",
            actor_account_id AS "actorAccountId", before, after, details
       FROM audit_events WHERE person_id = $1`,
    'x.at, x.id',
  ),
} as const;

export type StudentSection = keyof typeof SECTIONS;

export interface StudentProfileRow {
  id: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  email: string | null;
  dateOfBirth: string | null;
  gender: string | null;
  admissionNumber: string;
  admissionDate: string;
  status: string;
  createdAt: Date;
  localUsername: string | null;
  userId: string | null;
}

export interface StudentAccountRow {
  email: string | null;
  is_active: boolean;
  last_login_at: Date | null;
}

@Injectable()
export class StudentExportRepository {
  constructor(private readonly tenant: TenantContext) {}

  profile(studentId: string): Promise<StudentProfileRow | undefined> {
    return selectRow<StudentProfileRow>(
      this.tenant.manager,
      `SELECT p.id, p.first_name AS "firstName", p.middle_name AS "middleName",
              p.last_name AS "lastName", p.email, p.date_of_birth::text AS "dateOfBirth",
              p.gender, s.admission_number AS "admissionNumber",
              s.admission_date::text AS "admissionDate", s.status, s.created_at AS "createdAt",
              p.local_username AS "localUsername", p.user_id AS "userId"
         FROM students s JOIN profiles p ON p.id = s.profile_id WHERE s.profile_id = $1`,
      [studentId],
    );
  }

  async section(section: StudentSection, studentId: string): Promise<Json[]> {
    const row = await selectRow<{ items: Json[] }>(this.tenant.manager, SECTIONS[section], [
      studentId,
    ]);
    return row?.items ?? [];
  }

  /** The account's public facts; a definer function, so alone in its statement. */
  account(userId: string): Promise<StudentAccountRow | undefined> {
    return selectRow<StudentAccountRow>(
      this.tenant.manager,
      'SELECT email, is_active, last_login_at FROM public.school_accounts($1::uuid[])',
      [[userId]],
    );
  }

  static readonly sections = Object.keys(SECTIONS) as StudentSection[];
}
