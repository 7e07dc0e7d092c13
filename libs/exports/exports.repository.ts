import { Injectable } from '@nestjs/common';
import { likePattern, selectRow } from '@schoolyard/common';
import { taughtSections } from '@schoolyard/attendance';
import { invoiceStatusSql } from '@schoolyard/fees';
import { STUDENT_ORDER_BY } from '@schoolyard/people';
import { type ScopedCaller } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type AttendanceExportQuery,
  type FeesExportQuery,
  type PeopleExportQuery,
  type StudentsExportQuery,
} from './dto/exports.dto';
import { openCursor } from './row-cursor';

/*
 * The rows of each CSV export, in the order the matching list shows them. Each statement
 * is opened as a cursor (row-cursor.ts) and read a page at a time by the controller. Dates
 * leave as text (YYYY-MM-DD), money as minor units, never as floats.
 */

export interface StudentExportRow {
  admission_number: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  admission_date: string;
  date_of_birth: string | null;
  gender: string | null;
  status: string;
}

export interface StaffExportRow {
  email: string | null;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  job_title: string | null;
  department: string | null;
  hire_date: string | null;
  status: string;
}

export interface GuardianExportRow {
  email: string | null;
  phone: string | null;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  admission_number: string | null;
  relationship: string | null;
}

export interface AttendanceExportRow {
  on_date: string;
  section: string;
  admission_number: string;
  first_name: string;
  last_name: string;
  status: string;
  late_minutes: number | null;
  note: string | null;
  kind: string;
  period: number;
  subject_code: string | null;
}

export interface FeeExportRow {
  number: string;
  admission_number: string;
  first_name: string;
  last_name: string;
  period_key: string;
  issued_on: string | null;
  due_on: string | null;
  currency: string;
  total_minor: string;
  paid_minor: string;
  balance_minor: string;
  status: string;
}

@Injectable()
export class ExportsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Same filters as GET /api/students: status, search, the students in a section now. */
  students(query: StudentsExportQuery): Promise<AsyncIterable<StudentExportRow[]>> {
    return openCursor(
      this.tenant.manager,
      `SELECT s.admission_number, p.first_name, p.middle_name, p.last_name, p.email,
              s.admission_date::text AS admission_date, p.date_of_birth::text AS date_of_birth,
              p.gender, s.status
         FROM students s JOIN profiles p ON p.id = s.profile_id
        WHERE ($1::text IS NULL OR s.status = $1)
          AND ($2::text IS NULL OR p.first_name ILIKE $2 OR p.last_name ILIKE $2
               OR p.middle_name ILIKE $2 OR s.admission_number ILIKE $2
               OR (p.first_name || ' ' || p.last_name) ILIKE $2)
          AND ($3::uuid IS NULL OR EXISTS (
               SELECT 1 FROM section_students ss
                WHERE ss.section_id = $3 AND ss.student_id = s.profile_id AND ss.left_on IS NULL))
        ORDER BY ${STUDENT_ORDER_BY[query.sort]}, p.id`,
      [query.status ?? null, likePattern(query.search), query.sectionId ?? null],
    );
  }

  /** Same search as GET /api/staff: names, job title, department. */
  staff(query: PeopleExportQuery): Promise<AsyncIterable<StaffExportRow[]>> {
    return openCursor(
      this.tenant.manager,
      `SELECT p.email, p.first_name, p.middle_name, p.last_name, st.job_title, st.department,
              st.hire_date::text AS hire_date, st.status
         FROM staff st JOIN profiles p ON p.id = st.profile_id
        WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1
               OR st.job_title ILIKE $1 OR st.department ILIKE $1)
        ORDER BY p.last_name, p.first_name, p.id`,
      [likePattern(query.search)],
    );
  }

  /** One row per guardian and child (a guardian with no child: one row, no child). */
  guardians(query: PeopleExportQuery): Promise<AsyncIterable<GuardianExportRow[]>> {
    return openCursor(
      this.tenant.manager,
      `SELECT p.email, g.phone, p.first_name, p.middle_name, p.last_name,
              s.admission_number, sg.relationship
         FROM guardians g JOIN profiles p ON p.id = g.profile_id
         LEFT JOIN student_guardians sg ON sg.guardian_id = g.profile_id
         LEFT JOIN students s ON s.profile_id = sg.student_id
        WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1)
        ORDER BY p.last_name, p.first_name, p.id, lower(s.admission_number)`,
      [likePattern(query.search)],
    );
  }

  /** Whether the caller reaches the section: attendance's own row-level rule. */
  async sectionVisible(sectionId: string, caller: ScopedCaller): Promise<boolean> {
    const row = await selectRow<{ visible: boolean }>(
      this.tenant.manager,
      `SELECT ($2::boolean OR sec.id IN (${taughtSections('$3')})) AS visible
         FROM sections sec WHERE sec.id = $1`,
      [sectionId, caller.reachesAll, caller.userId],
    );
    return row?.visible ?? false;
  }

  /** Every mark of the section's registers in the window (GET /api/attendance/registers). */
  attendance(query: AttendanceExportQuery): Promise<AsyncIterable<AttendanceExportRow[]>> {
    return openCursor(
      this.tenant.manager,
      `SELECT ses.on_date::text AS on_date, sec.name AS section, s.admission_number,
              p.first_name, p.last_name, r.status, r.late_minutes, r.note,
              ses.kind, ses.period, sub.code AS subject_code
         FROM attendance_sessions ses
         JOIN sections sec ON sec.id = ses.section_id
         JOIN attendance_records r ON r.session_id = ses.id
         JOIN students s ON s.profile_id = r.student_id
         JOIN profiles p ON p.id = r.student_id
         LEFT JOIN subjects sub ON sub.id = ses.subject_id
        WHERE ses.section_id = $1 AND ses.on_date BETWEEN $2::date AND $3::date
          AND ($4::text IS NULL OR ses.kind = $4)
        ORDER BY ses.on_date, ses.period, ses.id, lower(s.admission_number), s.profile_id`,
      [query.sectionId, query.from, query.to, query.kind ?? null],
    );
  }

  /** Same filters and order as GET /api/fees/invoices; the number is printed INV-000042. */
  fees(query: FeesExportQuery): Promise<AsyncIterable<FeeExportRow[]>> {
    return openCursor(
      this.tenant.manager,
      `SELECT i.number::text AS number, s.admission_number, p.first_name, p.last_name,
              i.period_key, i.issued_on::text AS issued_on, i.due_on::text AS due_on,
              i.currency, i.total_minor::text AS total_minor, i.paid_minor::text AS paid_minor,
              i.balance_minor::text AS balance_minor, ${invoiceStatusSql('i')} AS status
         FROM fee_invoices i
         JOIN students s ON s.profile_id = i.student_id
         JOIN profiles p ON p.id = i.student_id
        WHERE ($1::uuid IS NULL OR i.student_id = $1)
          AND ($2::uuid IS NULL OR i.academic_year_id = $2)
          AND ($3::text IS NULL OR (${invoiceStatusSql('i')}) = $3)
          AND ($4::text IS NULL OR i.period_key = $4)
        ORDER BY i.period_starts_on DESC, i.number DESC`,
      [
        query.studentId ?? null,
        query.academicYearId ?? null,
        query.status ?? null,
        query.periodKey ?? null,
      ],
    );
  }
}
