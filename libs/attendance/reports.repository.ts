import { Injectable } from '@nestjs/common';
import { SCHOOL_DAYS_SQL } from '@schoolyard/calendar';
import { selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type ScopedCaller } from '@schoolyard/rbac';
import { memberOn, taughtSections } from './attendance-scope';
import { type SectionReportRowView } from './dto/reports.dto';
import { type Mark, type SessionKind } from './dto/sessions.dto';

/** Whose record a view reads: any student in reach of staff, a guardian's child, one's own. */
export type Viewpoint = 'staff' | 'guardian' | 'self';

/**
 * Which student the viewpoint may read, as a condition on `stu` and `asked` (the id asked for,
 * whether the caller manages attendance, the caller's account).
 */
const STUDENT_IN_REACH: Record<Viewpoint, string> = {
  staff: `stu.profile_id = asked.student_id AND (asked.manages OR EXISTS (
            SELECT 1 FROM section_students ss
             WHERE ss.student_id = stu.profile_id
               AND ss.section_id IN (${taughtSections('asked.account')})))`,
  guardian: `stu.profile_id = asked.student_id AND EXISTS (
            SELECT 1 FROM student_guardians sg JOIN profiles gp ON gp.id = sg.guardian_id
             WHERE sg.student_id = stu.profile_id AND gp.user_id = asked.account)`,
  // A student reads their own record: the student profile of the account (no id is asked).
  self: `stu.profile_id IN (SELECT p.id FROM profiles p WHERE p.user_id = asked.account)`,
};

export interface StudentSessionRow {
  date: string;
  sessionId: string;
  kind: SessionKind;
  subjectId: string | null;
  subjectCode: string | null;
  subjectName: string | null;
  period: number;
  status: Mark | null;
  lateMinutes: number | null;
  note: string | null;
}

const ymd = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

@Injectable()
export class ReportsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * The student the viewpoint reaches (undefined: none, or not theirs to see) and the
   * number of school days from $1 to $2 up to today, in one statement.
   */
  visibleStudent(
    viewpoint: Viewpoint,
    studentId: string | null,
    caller: ScopedCaller,
    from: string,
    to: string,
  ): Promise<{ studentId: string; schoolDays: number } | undefined> {
    return selectRow(
      this.tenant.manager,
      `WITH day AS (${SCHOOL_DAYS_SQL}),
            asked AS (SELECT $3::uuid AS student_id, $4::boolean AS manages, $5::uuid AS account)
       SELECT stu.profile_id AS "studentId",
              (SELECT count(*)::int FROM day WHERE refusal IS NULL) AS "schoolDays"
         FROM students stu CROSS JOIN asked
        WHERE ${STUDENT_IN_REACH[viewpoint]}
        ORDER BY stu.profile_id LIMIT 1`,
      [from, to, studentId, caller.reachesAll, caller.userId],
    );
  }

  /**
   * Every register of the student's sections from $2 to $3 taken while they were in the
   * section, with their mark or nulls; marks in registers of sections they were not in
   * (moved since) are kept too. Ordered by date and period.
   */
  studentSessions(studentId: string, from: string, to: string): Promise<StudentSessionRow[]> {
    return selectRows<StudentSessionRow>(
      this.tenant.manager,
      `SELECT ${ymd('ses.on_date')} AS date, ses.id AS "sessionId", ses.kind,
              sub.id AS "subjectId", sub.code AS "subjectCode", sub.name AS "subjectName",
              ses.period, r.status, r.late_minutes AS "lateMinutes", r.note
         FROM attendance_sessions ses
         LEFT JOIN subjects sub ON sub.id = ses.subject_id
         LEFT JOIN attendance_records r ON r.session_id = ses.id AND r.student_id = $1
        WHERE ses.on_date BETWEEN $2 AND $3
          AND (r.student_id IS NOT NULL OR EXISTS (
                SELECT 1 FROM section_students ss
                 WHERE ss.section_id = ses.section_id AND ss.student_id = $1
                   AND ${memberOn('ss', 'ses.on_date')}))
        ORDER BY ses.on_date, ses.kind, ses.period`,
      [studentId, from, to],
    );
  }

  /**
   * The section's name and its registers of kind $5 from $3 to $4, when it exists and is
   * within the caller's reach.
   */
  visibleSection(
    id: string,
    caller: ScopedCaller,
    from: string,
    to: string,
    kind: SessionKind,
  ): Promise<{ name: string; sessions: number } | undefined> {
    return selectRow(
      this.tenant.manager,
      `SELECT sec.name,
              (SELECT count(*)::int FROM attendance_sessions ses
                WHERE ses.section_id = sec.id AND ses.on_date BETWEEN $4 AND $5 AND ses.kind = $6)
                AS sessions
         FROM sections sec
        WHERE sec.id = $1 AND ($2::boolean OR sec.id IN (${taughtSections('$3')}))`,
      [id, caller.reachesAll, caller.userId, from, to, kind],
    );
  }

  /**
   * One row per student who was in section $1 at any time from $2 to $3, counting the
   * registers of kind $4 taken while they were in it. Runs of absences are islands: numbering
   * a student's registers in order, and separately their absences, the difference is constant
   * along each run of consecutive absences. One statement whatever the number of students;
   * dates are `date`s, so a daylight-saving day is one register like any other.
   */
  async sectionReport(
    sectionId: string,
    from: string,
    to: string,
    kind: SessionKind,
  ): Promise<SectionReportRowView[]> {
    return selectRows<SectionReportRowView>(
      this.tenant.manager,
      `WITH ses AS (
              SELECT id, on_date, period FROM attendance_sessions
               WHERE section_id = $1 AND on_date BETWEEN $2 AND $3 AND kind = $4),
            members AS (
              SELECT student_id, joined_on, left_on FROM section_students
               WHERE section_id = $1 AND joined_on <= $3 AND (left_on IS NULL OR left_on > $2)),
            marks AS (
              SELECT m.student_id, r.status,
                     row_number() OVER (PARTITION BY m.student_id ORDER BY ses.on_date, ses.period) AS n
                FROM members m
                JOIN ses ON ${memberOn('m', 'ses.on_date')}
                LEFT JOIN attendance_records r ON r.session_id = ses.id AND r.student_id = m.student_id),
            islands AS (
              SELECT student_id, n,
                     n - row_number() OVER (PARTITION BY student_id ORDER BY n) AS island
                FROM marks WHERE status = 'absent'),
            runs AS (
              SELECT student_id, count(*)::int AS length, max(n) AS last_n
                FROM islands GROUP BY student_id, island),
            totals AS (
              SELECT student_id, count(*)::int AS sessions, max(n) AS last_n,
                     count(*) FILTER (WHERE status = 'present')::int AS present,
                     count(*) FILTER (WHERE status = 'late')::int AS late,
                     count(*) FILTER (WHERE status = 'absent')::int AS absent,
                     count(*) FILTER (WHERE status = 'excused')::int AS excused,
                     count(*) FILTER (WHERE status IS NULL)::int AS unmarked
                FROM marks GROUP BY student_id)
       SELECT stu.profile_id AS "studentId", p.first_name || ' ' || p.last_name AS "displayName",
              stu.admission_number AS "admissionNumber",
              coalesce(t.sessions, 0) AS sessions, coalesce(t.present, 0) AS present,
              coalesce(t.late, 0) AS late, coalesce(t.absent, 0) AS absent,
              coalesce(t.excused, 0) AS excused, coalesce(t.unmarked, 0) AS unmarked,
              round((t.present + t.late)::numeric / nullif(t.sessions - t.excused, 0), 4)::float8
                AS rate,
              coalesce((SELECT max(length) FROM runs WHERE runs.student_id = stu.profile_id), 0)
                AS "longestAbsentRun",
              coalesce((SELECT length FROM runs
                         WHERE runs.student_id = stu.profile_id AND runs.last_n = t.last_n), 0)
                AS "currentAbsentRun"
         FROM (SELECT DISTINCT student_id FROM members) m
         JOIN students stu ON stu.profile_id = m.student_id
         JOIN profiles p ON p.id = stu.profile_id
         LEFT JOIN totals t ON t.student_id = m.student_id
        ORDER BY p.last_name, p.first_name, stu.profile_id`,
      [sectionId, from, to, kind],
    );
  }
}
