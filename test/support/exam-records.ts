import { type RegisteredSchool, withOwnerClient } from './test-app';
import { schemaOf } from './school-year';

/*
 * Exams, their results, graded coursework and daily registers written with SQL as the owner:
 * what a report card reads, made without the routes that write it (other parts of the exams
 * issue, coursework, attendance), so a card's figures can be chosen exactly.
 */

type Status = 'draft' | 'scheduled' | 'marking' | 'published' | 'locked';

export interface ExamPlan {
  termId: string;
  levelId: string;
  name: string;
  status: Status;
  /** Per paper: its subject, maximum and each student's marks (null: absent). */
  papers: Array<{ subjectId: string; maxMarks: number; marks: Record<string, number | null> }>;
  /** Each student's section, for exam_results and its rank. */
  sections: Record<string, string>;
}

/**
 * An exam with its papers and, as publishing would write them, each student's subject
 * results and overall result (total, percentage, rank in the section; bands left null).
 */
export async function examWithResults(school: RegisteredSchool, plan: ExamPlan): Promise<string> {
  const s = `"${schemaOf(school)}"`;
  return withOwnerClient(async (db) => {
    const published = plan.status === 'published' || plan.status === 'locked';
    const exam = await db.query<{ id: string }>(
      `INSERT INTO ${s}.exams (term_id, name, status, published_at)
       VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END) RETURNING id`,
      [plan.termId, plan.name, plan.status, published],
    );
    const examId = exam.rows[0].id;
    await db.query(`INSERT INTO ${s}.exam_levels (exam_id, level_id) VALUES ($1, $2)`, [
      examId,
      plan.levelId,
    ]);
    const totals = new Map<string, { total: number; max: number; absent: number }>();
    for (const paper of plan.papers) {
      const made = await db.query<{ id: string }>(
        `INSERT INTO ${s}.exam_papers
           (exam_id, subject_id, level_id, sits_on, starts_at, duration_minutes, max_marks, pass_marks)
         VALUES ($1, $2, $3, '2026-10-20', '09:00', 90, $4, $5) RETURNING id`,
        [examId, paper.subjectId, plan.levelId, paper.maxMarks, paper.maxMarks * 0.35],
      );
      for (const [studentId, marks] of Object.entries(paper.marks)) {
        await db.query(
          `INSERT INTO ${s}.exam_subject_results
             (exam_id, paper_id, student_id, subject_id, marks, is_absent, percentage, passed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            examId,
            made.rows[0].id,
            studentId,
            paper.subjectId,
            marks,
            marks === null,
            marks === null ? null : (100 * marks) / paper.maxMarks,
            marks !== null && marks >= paper.maxMarks * 0.35,
          ],
        );
        const sum = totals.get(studentId) ?? { total: 0, max: 0, absent: 0 };
        sum.total += marks ?? 0;
        sum.max += paper.maxMarks;
        sum.absent += marks === null ? 1 : 0;
        totals.set(studentId, sum);
      }
    }
    for (const [studentId, sum] of totals) {
      const section = plan.sections[studentId];
      const rank =
        1 +
        [...totals].filter(([other, o]) => plan.sections[other] === section && o.total > sum.total)
          .length;
      await db.query(
        `INSERT INTO ${s}.exam_results (exam_id, student_id, section_id, total, max_total,
                                         percentage, passed, papers_absent, section_rank)
         VALUES ($1, $2, $3, $4, $5, round($4 * 100.0 / $5, 2), $6, $7, $8)`,
        [
          examId,
          studentId,
          section,
          sum.total,
          sum.max,
          sum.total >= sum.max * 0.35,
          sum.absent,
          rank,
        ],
      );
    }
    return examId;
  });
}

/**
 * An assignment of the section and subject due at `dueAt` (an instant), with each student's
 * submission: points graded, `'returned'` with points, or `'submitted'` (not graded yet).
 */
export async function gradedAssignment(
  school: RegisteredSchool,
  assignment: {
    sectionId: string;
    subjectId: string;
    dueAt: string;
    maxPoints: number;
    points: Record<string, number | 'submitted'>;
  },
): Promise<void> {
  const s = `"${schemaOf(school)}"`;
  await withOwnerClient(async (db) => {
    const content = await db.query<{ id: string }>(
      `INSERT INTO ${s}.course_contents
         (section_id, subject_id, kind, title, body, due_at, max_points, is_published, published_at)
       VALUES ($1, $2, 'assignment', 'Worksheet', 'Do it.', $3, $4, true, now()) RETURNING id`,
      [assignment.sectionId, assignment.subjectId, assignment.dueAt, assignment.maxPoints],
    );
    for (const [studentId, points] of Object.entries(assignment.points)) {
      await db.query(
        `INSERT INTO ${s}.submissions
           (content_id, student_id, status, submitted_at, is_late, points, graded_at)
         VALUES ($1, $2, $3, $4, false, $5, CASE WHEN $5::numeric IS NOT NULL THEN now() END)`,
        [
          content.rows[0].id,
          studentId,
          points === 'submitted' ? 'submitted' : 'graded',
          assignment.dueAt,
          points === 'submitted' ? null : points,
        ],
      );
    }
  });
}

export type DailyMark = 'present' | 'absent' | 'late' | 'excused';

/** The section's daily register of `date` with these marks (late: 5 minutes). */
export async function dailyRegister(
  school: RegisteredSchool,
  sectionId: string,
  date: string,
  marks: Record<string, DailyMark>,
): Promise<void> {
  const s = `"${schemaOf(school)}"`;
  await withOwnerClient(async (db) => {
    const session = await db.query<{ id: string }>(
      `INSERT INTO ${s}.attendance_sessions (section_id, on_date, kind) VALUES ($1, $2, 'daily')
       RETURNING id`,
      [sectionId, date],
    );
    for (const [studentId, status] of Object.entries(marks)) {
      await db.query(
        `INSERT INTO ${s}.attendance_records (session_id, student_id, status, late_minutes)
         VALUES ($1, $2, $3, $4)`,
        [session.rows[0].id, studentId, status, status === 'late' ? 5 : null],
      );
    }
  });
}
