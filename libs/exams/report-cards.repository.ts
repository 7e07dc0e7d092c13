import { type ScopedCaller } from '@schoolyard/rbac';
import { Injectable } from '@nestjs/common';
import { taughtSections } from '@schoolyard/attendance';
import { selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type CardAttendanceView,
  type CardExamView,
  type CardSchoolView,
  type CardStudentView,
  type CardSubjectView,
  type CardTermView,
} from './dto/report-cards.dto';

/** Whose card a request reads: any student in reach of staff, a guardian's child, one's own. */
export type CardViewpoint = 'staff' | 'guardian' | 'self';

/**
 * Which student the viewpoint reaches, as a condition on `stu` with $1 the id asked for, $2
 * whether the caller sees everyone and $3 the caller's account.
 */
const STUDENT_IN_REACH: Record<CardViewpoint, string> = {
  staff: `stu.profile_id = $1 AND ($2::boolean OR EXISTS (
            SELECT 1 FROM section_students ss
             WHERE ss.student_id = stu.profile_id AND ss.section_id IN (${taughtSections('$3')})))`,
  guardian: `stu.profile_id = $1 AND $2::boolean IS NOT NULL AND EXISTS (
            SELECT 1 FROM student_guardians sg JOIN profiles gp ON gp.id = sg.guardian_id
             WHERE sg.student_id = stu.profile_id AND gp.user_id = $3::uuid)`,
  // The student profile of the account; no id is asked ($1 is null).
  self: `stu.profile_id IN (SELECT p.id FROM profiles p WHERE p.user_id = $3::uuid)
         AND $1::uuid IS NULL AND $2::boolean IS NOT NULL`,
};

/** The term, the school's branding and whether any exam of the term is out. */
export interface CardFrame {
  term: CardTermView;
  school: CardSchoolView;
  published: boolean;
}

/** One subject's term grade for one student, with the student's overall figures repeated. */
export interface TermGradeRow extends CardSubjectView {
  studentId: string;
  overallPercentage: number;
  gpa: number | null;
  overallLetter: string | null;
}

const ymd = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

/** A membership of `ss` that overlapped the term `t` (its dates inclusive). */
const DURING_TERM = `ss.joined_on <= t.ends_on AND (ss.left_on IS NULL OR ss.left_on > t.starts_on)`;

/**
 * Term grades of students $2 in term $1, every subject with coursework or an exam result, in
 * one statement (a card, or a whole section in the batch):
 *
 * - coursework: points over maximum of the student's graded or returned submissions (with
 *   points) to assignments of their sections due in the term, by the school's local date;
 * - exam: marks over maximum of their subject results in the term's published or locked
 *   exams, an absence counting 0;
 * - the blend weighs them by the term's weighting (none: exams only); with one part missing,
 *   the other alone; the letter is the default scale's band with the highest minimum at or
 *   below the percentage. Overall: the mean percentage and grade point over the subjects.
 */
const TERM_GRADES_SQL = `
  WITH t AS (SELECT id, starts_on, ends_on FROM terms WHERE id = $1),
       zone AS (SELECT timezone FROM school_settings LIMIT 1),
       band AS (SELECT b.min_percent, b.letter, b.grade_point, b.remark
                  FROM grading_bands b JOIN grading_scales s ON s.id = b.scale_id AND s.is_default),
       coursework AS (
         SELECT sub.student_id, cc.subject_id,
                sum(sub.points) AS points, sum(cc.max_points) AS max_points
           FROM submissions sub
           JOIN course_contents cc ON cc.id = sub.content_id AND cc.kind = 'assignment'
           CROSS JOIN t CROSS JOIN zone
          WHERE sub.student_id = ANY($2::uuid[])
            AND sub.status IN ('graded', 'returned') AND sub.points IS NOT NULL
            AND (cc.due_at AT TIME ZONE zone.timezone)::date BETWEEN t.starts_on AND t.ends_on
            AND EXISTS (SELECT 1 FROM section_students ss
                         WHERE ss.section_id = cc.section_id AND ss.student_id = sub.student_id)
          GROUP BY sub.student_id, cc.subject_id),
       exam_part AS (
         SELECT r.student_id, r.subject_id,
                sum(coalesce(r.marks, 0)) AS marks, sum(p.max_marks) AS max_marks
           FROM exam_subject_results r
           JOIN exams e ON e.id = r.exam_id AND e.status IN ('published', 'locked')
           JOIN t ON t.id = e.term_id
           JOIN exam_papers p ON p.id = r.paper_id
          WHERE r.student_id = ANY($2::uuid[])
          GROUP BY r.student_id, r.subject_id),
       parts AS (
         SELECT coalesce(c.student_id, x.student_id) AS student_id,
                coalesce(c.subject_id, x.subject_id) AS subject_id,
                round(100 * c.points / c.max_points, 2) AS coursework,
                round(100 * x.marks / x.max_marks, 2) AS exam
           FROM coursework c
           FULL JOIN exam_part x ON x.student_id = c.student_id AND x.subject_id = c.subject_id),
       blended AS (
         SELECT parts.*, coalesce(w.coursework_percent, 0) AS weight,
                CASE WHEN parts.coursework IS NULL THEN parts.exam
                     WHEN parts.exam IS NULL THEN parts.coursework
                     ELSE round((parts.coursework * coalesce(w.coursework_percent, 0)
                                 + parts.exam * (100 - coalesce(w.coursework_percent, 0))) / 100, 2)
                END AS percentage
           FROM parts
           LEFT JOIN subject_weightings w ON w.term_id = $1 AND w.subject_id = parts.subject_id),
       graded AS (
         SELECT blended.*, g.letter, g.grade_point, g.remark,
                round(avg(blended.percentage) OVER (PARTITION BY blended.student_id), 2) AS overall,
                round(avg(g.grade_point) OVER (PARTITION BY blended.student_id), 2) AS gpa
           FROM blended
           LEFT JOIN LATERAL (SELECT * FROM band WHERE band.min_percent <= blended.percentage
                               ORDER BY band.min_percent DESC LIMIT 1) g ON true)
  SELECT graded.student_id AS "studentId", graded.subject_id AS "subjectId",
         sj.code, sj.name, graded.weight::int AS "courseworkWeight",
         graded.coursework::float8 AS "courseworkPercentage",
         graded.exam::float8 AS "examPercentage", graded.percentage::float8 AS percentage,
         graded.letter, graded.grade_point::float8 AS "gradePoint", graded.remark,
         graded.overall::float8 AS "overallPercentage", graded.gpa::float8 AS gpa,
         (SELECT band.letter FROM band WHERE band.min_percent <= graded.overall
           ORDER BY band.min_percent DESC LIMIT 1) AS "overallLetter"
    FROM graded JOIN subjects sj ON sj.id = graded.subject_id
   ORDER BY graded.student_id, sj.code`;

/** Everything a report card shows, read for one student or a whole section at once. */
@Injectable()
export class ReportCardsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The student the viewpoint reaches (undefined: none, or not theirs to see). */
  async reachable(
    viewpoint: CardViewpoint,
    studentId: string | null,
    caller: ScopedCaller,
  ): Promise<string | undefined> {
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `SELECT stu.profile_id AS id FROM students stu
        WHERE ${STUDENT_IN_REACH[viewpoint]}
        ORDER BY stu.profile_id LIMIT 1`,
      [studentId, caller.reachesAll, caller.userId],
    );
    return row?.id;
  }

  /** The term with its year, the school's settings, and whether results are out. */
  async frame(termId: string): Promise<CardFrame | undefined> {
    const row = await selectRow<{
      id: string;
      name: string;
      startsOn: string;
      endsOn: string;
      yearId: string;
      yearName: string;
      displayName: string;
      primaryColor: string | null;
      secondaryColor: string | null;
      locale: string;
      timezone: string;
      published: boolean;
    }>(
      this.tenant.manager,
      `SELECT t.id, t.name, ${ymd('t.starts_on')} AS "startsOn", ${ymd('t.ends_on')} AS "endsOn",
              y.id AS "yearId", y.name AS "yearName",
              st.display_name AS "displayName", st.primary_color AS "primaryColor",
              st.secondary_color AS "secondaryColor", st.locale, st.timezone,
              EXISTS (SELECT 1 FROM exams e
                       WHERE e.term_id = t.id AND e.status IN ('published', 'locked')) AS published
         FROM terms t
         JOIN academic_years y ON y.id = t.academic_year_id
         CROSS JOIN (SELECT * FROM school_settings LIMIT 1) st
        WHERE t.id = $1`,
      [termId],
    );
    if (!row) return undefined;
    return {
      term: {
        id: row.id,
        name: row.name,
        startsOn: row.startsOn,
        endsOn: row.endsOn,
        academicYear: { id: row.yearId, name: row.yearName },
      },
      school: {
        displayName: row.displayName,
        primaryColor: row.primaryColor,
        secondaryColor: row.secondaryColor,
        locale: row.locale,
        timezone: row.timezone,
      },
      published: row.published,
    };
  }

  /**
   * Students $2 as their cards name them, each with the section they were last in during
   * term $1 (and its level), in the order asked.
   */
  async students(termId: string, studentIds: string[]): Promise<CardStudentView[]> {
    const rows = await selectRows<{
      id: string;
      firstName: string;
      middleName: string | null;
      lastName: string;
      admissionNumber: string;
      sectionId: string | null;
      sectionName: string | null;
      levelId: string | null;
      levelName: string | null;
    }>(
      this.tenant.manager,
      `SELECT p.id, p.first_name AS "firstName", p.middle_name AS "middleName",
              p.last_name AS "lastName", stu.admission_number AS "admissionNumber",
              sec.id AS "sectionId", sec.name AS "sectionName",
              lvl.id AS "levelId", lvl.name AS "levelName"
         FROM unnest($2::uuid[]) WITH ORDINALITY AS asked (id, position)
         JOIN students stu ON stu.profile_id = asked.id
         JOIN profiles p ON p.id = stu.profile_id
         CROSS JOIN (SELECT * FROM terms WHERE id = $1) t
         LEFT JOIN LATERAL (
           SELECT ss.section_id FROM section_students ss
            WHERE ss.student_id = stu.profile_id AND ${DURING_TERM}
            ORDER BY ss.joined_on DESC LIMIT 1) m ON true
         LEFT JOIN sections sec ON sec.id = m.section_id
         LEFT JOIN academic_levels lvl ON lvl.id = sec.level_id
        ORDER BY asked.position`,
      [termId, studentIds],
    );
    return rows.map((row) => ({
      id: row.id,
      firstName: row.firstName,
      middleName: row.middleName,
      lastName: row.lastName,
      admissionNumber: row.admissionNumber,
      section: row.sectionId ? { id: row.sectionId, name: row.sectionName! } : null,
      level: row.levelId ? { id: row.levelId, name: row.levelName! } : null,
    }));
  }

  /**
   * The section's roster for the term, in roster order: active students with a membership
   * that overlapped the term. Undefined: no such section or term.
   */
  async roster(sectionId: string, termId: string): Promise<string[] | undefined> {
    const row = await selectRow<{ ids: string[] }>(
      this.tenant.manager,
      `SELECT coalesce((
                SELECT array_agg(m.id ORDER BY m.last_name, m.first_name, m.admission_number)
                  FROM (SELECT DISTINCT p.id, p.last_name, p.first_name, stu.admission_number
                          FROM section_students ss
                          JOIN students stu ON stu.profile_id = ss.student_id
                                           AND stu.status = 'active'
                          JOIN profiles p ON p.id = stu.profile_id
                         WHERE ss.section_id = sec.id AND ${DURING_TERM}) m),
              '{}') AS ids
         FROM sections sec CROSS JOIN terms t
        WHERE sec.id = $1 AND t.id = $2`,
      [sectionId, termId],
    );
    return row?.ids;
  }

  termGrades(termId: string, studentIds: string[]): Promise<TermGradeRow[]> {
    return selectRows<TermGradeRow>(this.tenant.manager, TERM_GRADES_SQL, [termId, studentIds]);
  }

  /** Each student's results in the term's published or locked exams, by exam date. */
  examResults(
    termId: string,
    studentIds: string[],
  ): Promise<Array<CardExamView & { studentId: string }>> {
    return selectRows(
      this.tenant.manager,
      `SELECT er.student_id AS "studentId", e.id AS "examId", e.name,
              er.total::float8 AS total, er.max_total::float8 AS "maxTotal",
              er.percentage::float8 AS percentage, b.letter, er.section_rank AS "sectionRank"
         FROM exam_results er
         JOIN exams e ON e.id = er.exam_id AND e.term_id = $1
                     AND e.status IN ('published', 'locked')
         LEFT JOIN grading_bands b ON b.id = er.band_id
        WHERE er.student_id = ANY($2::uuid[])
        ORDER BY e.starts_on NULLS LAST, e.published_at, e.name`,
      [termId, studentIds],
    );
  }

  /**
   * Each student's marks in daily registers of the term's dates. The same figures as the
   * attendance library's reports (rate: (present + late) / (marked - excused)), counted in
   * one statement for a whole section.
   */
  attendance(
    termId: string,
    studentIds: string[],
  ): Promise<Array<CardAttendanceView & { studentId: string }>> {
    return selectRows(
      this.tenant.manager,
      `SELECT r.student_id AS "studentId", count(*)::int AS registers,
              count(*) FILTER (WHERE r.status = 'present')::int AS present,
              count(*) FILTER (WHERE r.status = 'absent')::int AS absent,
              count(*) FILTER (WHERE r.status = 'late')::int AS late,
              count(*) FILTER (WHERE r.status = 'excused')::int AS excused,
              round(count(*) FILTER (WHERE r.status IN ('present', 'late'))::numeric
                    / nullif(count(*) FILTER (WHERE r.status <> 'excused'), 0), 4)::float8 AS rate
         FROM attendance_records r
         JOIN attendance_sessions s ON s.id = r.session_id AND s.kind = 'daily'
         JOIN terms t ON t.id = $1 AND s.on_date BETWEEN t.starts_on AND t.ends_on
        WHERE r.student_id = ANY($2::uuid[])
        GROUP BY r.student_id`,
      [termId, studentIds],
    );
  }
}
