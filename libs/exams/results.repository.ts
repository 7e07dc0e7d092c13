import { Injectable } from '@nestjs/common';
import { callerProfile, taughtSections } from '@schoolyard/attendance';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { type NotificationsWritten, writeNotifications } from '@schoolyard/communication';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type GradeCountView,
  type OwnExamResultView,
  type StudentResultView,
} from './dto/results.dto';
import { type ScopedCaller } from '@schoolyard/rbac';

/** A timestamp as the API writes it everywhere (ISO 8601 in UTC), from inside JSON built in SQL. */
const iso = (expression: string) =>
  `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The grade of band row `b` (null when the row is null). */
const gradeJson = (b: string) =>
  `CASE WHEN ${b}.id IS NOT NULL THEN json_build_object(
     'letter', ${b}.letter, 'gradePoint', ${b}.grade_point, 'remark', ${b}.remark) END`;

/**
 * Result row `r` (of exam_results) as a StudentResultView, its papers included, built in
 * SQL so that a section's results are one statement whatever its size. Numbers stay numbers:
 * json_build_object writes numeric as a JSON number.
 */
const resultJson = (r: string) => `json_build_object(
  'studentId', ${r}.student_id,
  'displayName', (SELECT p.first_name || ' ' || p.last_name FROM profiles p WHERE p.id = ${r}.student_id),
  'admissionNumber', (SELECT s.admission_number FROM students s WHERE s.profile_id = ${r}.student_id),
  'sectionRank', ${r}.section_rank,
  'total', ${r}.total, 'maxTotal', ${r}.max_total, 'percentage', ${r}.percentage,
  'grade', (SELECT ${gradeJson('b')} FROM grading_bands b WHERE b.id = ${r}.band_id),
  'passed', ${r}.passed, 'papersAbsent', ${r}.papers_absent,
  'subjects', (
    SELECT coalesce(json_agg(json_build_object(
             'paperId', sr.paper_id,
             'subject', json_build_object('id', sub.id, 'code', sub.code, 'name', sub.name),
             'marks', sr.marks, 'maxMarks', ep.max_marks, 'passMarks', ep.pass_marks,
             'absent', sr.is_absent, 'percentage', sr.percentage,
             'grade', ${gradeJson('sb')}, 'passed', sr.passed)
             ORDER BY sub.code, sr.paper_id), '[]'::json)
      FROM exam_subject_results sr
      JOIN exam_papers ep ON ep.id = sr.paper_id
      JOIN subjects sub ON sub.id = sr.subject_id
      LEFT JOIN grading_bands sb ON sb.id = sr.band_id
     WHERE sr.exam_id = ${r}.exam_id AND sr.student_id = ${r}.student_id))`;

/** Whose results a signed-in caller reads without a permission: their own, or a child's. */
export type OwnViewpoint = 'self' | 'guardian';

/** Which student the viewpoint reaches, as a condition on `stu` ($1 the account, $2 the id asked). */
const STUDENT_IN_REACH: Record<OwnViewpoint, string> = {
  self: `$2::uuid IS NULL AND stu.profile_id IN (SELECT p.id FROM profiles p WHERE p.user_id = $1)`,
  guardian: `stu.profile_id = $2 AND EXISTS (
              SELECT 1 FROM student_guardians sg JOIN profiles gp ON gp.id = sg.guardian_id
               WHERE sg.student_id = stu.profile_id AND gp.user_id = $1)`,
};

export interface LockedExam {
  status: string;
  /** The exam's scale, or the school's default one; null if the school has neither. */
  scaleId: string | null;
}

export interface PublishCounts {
  students: number;
  sections: number;
  subjectResults: number;
  studentsWithoutSection: number;
  publishedAt: Date;
}

export interface ResultsHeader {
  status: string;
  examName: string;
  publishedAt: Date | null;
  sectionId: string | null;
  sectionName: string | null;
  visible: boolean;
  bands: Array<Omit<GradeCountView, 'count'>>;
}

/** Publication's one statement: $1 the exam, $2 its scale, $3 the caller's account. */
const PUBLISH_SQL = `WITH bands AS (SELECT id, min_percent FROM grading_bands WHERE scale_id = $2),
            sat AS (
              SELECT m.student_id, p.id AS paper_id, p.subject_id, p.section_id AS paper_section,
                     p.max_marks, m.marks, m.is_absent,
                     CASE WHEN NOT m.is_absent THEN round(m.marks / p.max_marks * 100, 2) END
                       AS percentage,
                     (NOT m.is_absent AND m.marks >= p.pass_marks) AS passed
                FROM exam_papers p JOIN exam_marks m ON m.paper_id = p.id
               WHERE p.exam_id = $1),
            candidates AS (
              SELECT ss.student_id, ss.section_id,
                     CASE WHEN ss.left_on IS NULL THEN 1 ELSE 3 END AS preference,
                     coalesce(ss.left_on, 'infinity'::date) AS until
                FROM section_students ss
                JOIN sections sec ON sec.id = ss.section_id
                JOIN exam_levels el ON el.level_id = sec.level_id AND el.exam_id = $1
               WHERE ss.student_id IN (SELECT student_id FROM sat)
              UNION ALL
              SELECT DISTINCT student_id, paper_section, 2, 'infinity'::date
                FROM sat WHERE paper_section IS NOT NULL),
            placed AS (
              SELECT DISTINCT ON (student_id) student_id, section_id FROM candidates
               ORDER BY student_id, preference, until DESC, section_id),
            paper_results AS (
              INSERT INTO exam_subject_results
                (exam_id, paper_id, student_id, subject_id, marks, is_absent, percentage, band_id, passed)
              SELECT $1, s.paper_id, s.student_id, s.subject_id, s.marks, s.is_absent, s.percentage,
                     (SELECT b.id FROM bands b WHERE b.min_percent <= s.percentage
                       ORDER BY b.min_percent DESC LIMIT 1),
                     s.passed
                FROM sat s JOIN placed USING (student_id)
              RETURNING 1),
            totals AS (
              SELECT s.student_id, pl.section_id,
                     sum(coalesce(s.marks, 0)) AS total, sum(s.max_marks) AS max_total,
                     round(sum(coalesce(s.marks, 0)) / sum(s.max_marks) * 100, 2) AS percentage,
                     bool_and(s.passed) AS passed,
                     count(*) FILTER (WHERE s.is_absent) AS papers_absent
                FROM sat s JOIN placed pl USING (student_id)
               GROUP BY s.student_id, pl.section_id),
            results AS (
              INSERT INTO exam_results (exam_id, student_id, section_id, total, max_total,
                                        percentage, band_id, passed, papers_absent, section_rank)
              SELECT $1, t.student_id, t.section_id, t.total, t.max_total, t.percentage,
                     (SELECT b.id FROM bands b WHERE b.min_percent <= t.percentage
                       ORDER BY b.min_percent DESC LIMIT 1),
                     t.passed, t.papers_absent,
                     rank() OVER (PARTITION BY t.section_id ORDER BY t.percentage DESC)
                FROM totals t
              RETURNING section_id),
            published AS (
              UPDATE exams SET status = 'published', published_at = now(),
                               published_by = ${callerProfile('$3')}, updated_at = now()
               WHERE id = $1
              RETURNING published_at)
       SELECT (SELECT count(*)::int FROM results) AS students,
              (SELECT count(DISTINCT section_id)::int FROM results) AS sections,
              (SELECT count(*)::int FROM paper_results) AS "subjectResults",
              (SELECT count(DISTINCT student_id)::int FROM sat)
                - (SELECT count(*)::int FROM placed) AS "studentsWithoutSection",
              (SELECT published_at FROM published) AS "publishedAt"`;

@Injectable()
export class ResultsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Locks the exam row until the transaction ends, so two publications (or a publication and
   * a reopening or a status change) run one after the other; undefined when it does not exist.
   */
  lockExam(examId: string): Promise<LockedExam | undefined> {
    return selectRow<LockedExam>(
      this.tenant.manager,
      `SELECT e.status,
              coalesce(e.grading_scale_id, (SELECT id FROM grading_scales WHERE is_default))
                AS "scaleId"
         FROM exams e WHERE e.id = $1
          FOR UPDATE OF e`,
      [examId],
    );
  }

  /** Forgets a previous publication's results (a republication after a reopening). */
  async clearResults(examId: string): Promise<void> {
    await execute(
      this.tenant.manager,
      `WITH papers AS (DELETE FROM exam_subject_results WHERE exam_id = $1)
       DELETE FROM exam_results WHERE exam_id = $1`,
      [examId],
    );
  }

  /**
   * Every result of the exam in one statement, whatever the number of students and papers:
   * per mark row a paper result, per student a total over the papers they have a row for
   * (a paper with no row for them is not counted: it was not theirs to sit, or nobody
   * entered it), ranked in their section with ties sharing a rank; and the exam marked
   * published by the caller.
   *
   * A student's section is, in order: the section of one of the exam's levels they are a
   * current member of; the section a paper of theirs was set for; the last such section
   * they left. A student with none of these gets no result (counted in the answer).
   */
  publish(examId: string, scaleId: string | null, userId: string): Promise<PublishCounts> {
    return selectRow<PublishCounts>(this.tenant.manager, PUBLISH_SQL, [
      examId,
      scaleId,
      userId,
    ]) as Promise<PublishCounts>;
  }

  /**
   * Each student with a result, and each of their guardians, hears of it once: the key names
   * the exam and the student, so a republication after a reopening notifies only students
   * who had no result before, and a guardian of two children hears of each. The publication's
   * last statement: its COMMIT goes with it.
   */
  notifyPublished(examId: string): Promise<NotificationsWritten> {
    return writeNotifications(
      this.tenant.manager,
      {
        perRecipient: true,
        category: 'results',
        channels: ['email'],
        recipientsSql: `
        SELECT who.profile_id, 'results:' || r.exam_id || ':' || r.student_id AS source_key,
               'Results published: ' || e.name AS title,
               'The results of ' || e.name || ' for ' || sp.first_name || ' ' || sp.last_name
                 || ' are published.' AS body,
               jsonb_build_object('examId', r.exam_id, 'studentId', r.student_id) AS data
          FROM exam_results r
          JOIN exams e ON e.id = r.exam_id
          JOIN profiles sp ON sp.id = r.student_id
         CROSS JOIN LATERAL (SELECT r.student_id AS profile_id
                             UNION
                             SELECT sg.guardian_id FROM student_guardians sg
                              WHERE sg.student_id = r.student_id) who
         WHERE r.exam_id = $1`,
        parameters: [examId],
      },
      this.tenant,
    );
  }

  /**
   * The exam, section $2 (null when there is none) and whether the caller reaches it, and
   * the bands of the scale the results were graded with (the exam's, or the default one).
   */
  resultsHeader(
    examId: string,
    sectionId: string,
    caller: ScopedCaller,
  ): Promise<ResultsHeader | undefined> {
    return selectRow<ResultsHeader>(
      this.tenant.manager,
      `SELECT e.status, e.name AS "examName", e.published_at AS "publishedAt",
              sec.id AS "sectionId", sec.name AS "sectionName",
              (sec.id IS NOT NULL AND ($3::boolean OR sec.id IN (${taughtSections('$4')})))
                AS visible,
              (SELECT coalesce(json_agg(json_build_object(
                        'letter', b.letter, 'minPercent', b.min_percent)
                        ORDER BY b.min_percent DESC), '[]'::json)
                 FROM grading_bands b
                WHERE b.scale_id = coalesce(
                        (SELECT g.scale_id FROM exam_results r JOIN grading_bands g ON g.id = r.band_id
                          WHERE r.exam_id = e.id LIMIT 1),
                        e.grading_scale_id,
                        (SELECT id FROM grading_scales WHERE is_default))) AS bands
         FROM exams e LEFT JOIN sections sec ON sec.id = $2
        WHERE e.id = $1`,
      [examId, sectionId, caller.reachesAll, caller.userId],
    );
  }

  /** The section's results by rank, then name. */
  async sectionResults(examId: string, sectionId: string): Promise<StudentResultView[]> {
    const rows = await selectRows<{ result: StudentResultView }>(
      this.tenant.manager,
      `SELECT ${resultJson('r')} AS result
         FROM exam_results r JOIN profiles p ON p.id = r.student_id
        WHERE r.exam_id = $1 AND r.section_id = $2
        ORDER BY r.section_rank, p.last_name, p.first_name, r.student_id`,
      [examId, sectionId],
    );
    return rows.map((row) => row.result);
  }

  /**
   * The student the viewpoint reaches and their results of published and locked exams (of
   * term $3 when given), newest first; undefined when no student is in reach. A reopened
   * exam is back in marking: its old results stay hidden until it is published again.
   */
  ownResults(
    viewpoint: OwnViewpoint,
    userId: string,
    studentId: string | null,
    termId: string | null,
  ): Promise<{ studentId: string; exams: OwnExamResultView[] } | undefined> {
    return selectRow(
      this.tenant.manager,
      `WITH me AS (
         SELECT stu.profile_id AS id FROM students stu
          WHERE ${STUDENT_IN_REACH[viewpoint]} ORDER BY stu.profile_id LIMIT 1)
       SELECT me.id AS "studentId",
              (SELECT coalesce(json_agg(json_build_object(
                        'exam', json_build_object(
                          'id', e.id, 'name', e.name, 'termId', e.term_id, 'termName', t.name,
                          'status', e.status, 'publishedAt', ${iso('e.published_at')}),
                        'section', json_build_object('id', sec.id, 'name', sec.name),
                        'sectionSize', (SELECT count(*) FROM exam_results o
                                         WHERE o.exam_id = r.exam_id AND o.section_id = r.section_id),
                        'result', ${resultJson('r')})
                        ORDER BY e.published_at DESC, e.id), '[]'::json)
                 FROM exam_results r
                 JOIN exams e ON e.id = r.exam_id
                 JOIN terms t ON t.id = e.term_id
                 JOIN sections sec ON sec.id = r.section_id
                WHERE r.student_id = me.id AND e.status IN ('published', 'locked')
                  AND ($3::uuid IS NULL OR e.term_id = $3)) AS exams
         FROM me`,
      [userId, studentId, termId],
    );
  }
}
