import { Injectable } from '@nestjs/common';
import { displayName } from '@schoolyard/academics';
import { execute, likePattern, oneRow, queryPage, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { scopeParameters, SUBMISSION_IN_SCOPE } from './coursework-scope';
import { submissionNotFound } from './coursework.errors';
import {
  type AttachmentView,
  type AttemptView,
  type SubmissionListQuery,
  type SubmissionPage,
  type SubmissionSort,
  type SubmissionStatus,
  type SubmissionView,
  type SubmitWorkDto,
} from './dto/submissions.dto';
import { type CourseworkViewer } from './viewer';

interface SubmissionRow {
  id: string;
  status: SubmissionStatus;
  attempt_count: number;
  submitted_at: Date;
  is_late: boolean;
  points: string | null;
  feedback: string | null;
  graded_at: Date | null;
  created_at: Date;
  updated_at: Date;
  body: string;
  attachments: AttachmentView[];
  content_id: string;
  content_title: string;
  section_id: string;
  due_at: Date | null;
  max_points: string | null;
  student_id: string;
  student_name: string;
  grader_id: string | null;
  grader_name: string | null;
}

interface AttemptRow {
  attempt: number;
  body: string;
  attachments: AttachmentView[];
  submitted_at: Date;
  is_late: boolean;
  feedback: string | null;
}

/** The submission with its current attempt, content, student and grader: one row each. */
const SELECT = `sub.id, sub.status, sub.attempt_count, sub.submitted_at, sub.is_late, sub.points,
  sub.feedback, sub.graded_at, sub.created_at, sub.updated_at, att.body, att.attachments,
  c.id AS content_id, c.title AS content_title, c.section_id, c.due_at, c.max_points,
  sp.id AS student_id, ${displayName('sp')} AS student_name,
  gp.id AS grader_id, ${displayName('gp')} AS grader_name`;
const FROM = `submissions sub
  JOIN submission_attempts att ON att.submission_id = sub.id AND att.attempt = sub.attempt_count
  JOIN course_contents c ON c.id = sub.content_id
  JOIN profiles sp ON sp.id = sub.student_id
  LEFT JOIN profiles gp ON gp.id = sub.graded_by`;

const ORDER_BY: Record<SubmissionSort, string> = {
  submittedAt: 'sub.submitted_at',
  '-submittedAt': 'sub.submitted_at DESC',
  student: 'sp.last_name, sp.first_name',
};

/** What a hand-in needs to know of the content it is for. */
export interface HandInTarget {
  section_id: string;
  kind: string;
  is_published: boolean;
}

/** Submissions and their attempts as viewers see them; the scope is always $1..$3. */
@Injectable()
export class SubmissionsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The content, locked FOR KEY SHARE while work is handed in to it; undefined if none. */
  lockHandInTarget(contentId: string): Promise<HandInTarget | undefined> {
    return selectRow<HandInTarget>(
      this.tenant.manager,
      `SELECT section_id, kind, is_published FROM course_contents WHERE id = $1 FOR KEY SHARE`,
      [contentId],
    );
  }

  /**
   * The first of `studentIds` in the section now, or undefined: one who left hands in no more
   * work there (what they handed in before stays theirs).
   */
  async enrolledStudent(sectionId: string, studentIds: string[]): Promise<string | undefined> {
    const row = await selectRow<{ student_id: string }>(
      this.tenant.manager,
      `SELECT student_id FROM section_students
        WHERE section_id = $1 AND student_id = ANY($2::uuid[]) AND left_on IS NULL LIMIT 1`,
      [sectionId, studentIds],
    );
    return row?.student_id;
  }

  /**
   * Makes the submission on the first hand-in, and in every case locks it: two hand-ins at
   * once become attempts one after the other.
   */
  async lockSubmission(
    contentId: string,
    studentId: string,
  ): Promise<{ id: string; status: SubmissionStatus }> {
    const [submission] = await selectRows<{ id: string; status: SubmissionStatus }>(
      this.tenant.manager,
      `INSERT INTO submissions (content_id, student_id, attempt_count, submitted_at, is_late)
       VALUES ($1, $2, 0, now(), false)
       ON CONFLICT ON CONSTRAINT submissions_key DO UPDATE SET updated_at = now()
       RETURNING id, status`,
      [contentId, studentId],
    );
    return submission;
  }

  /** The work as the submission's next attempt, which becomes the one to grade. */
  async insertAttempt(submissionId: string, work: SubmitWorkDto): Promise<void> {
    await execute(
      this.tenant.manager,
      `WITH current AS (
         UPDATE submissions sub
            SET attempt_count = sub.attempt_count + 1, status = 'submitted',
                submitted_at = now(), is_late = coalesce(now() > c.due_at, false),
                points = NULL, feedback = NULL, graded_by = NULL, graded_at = NULL,
                updated_at = now()
           FROM course_contents c
          WHERE sub.id = $1 AND c.id = sub.content_id
          RETURNING sub.id, sub.attempt_count, sub.submitted_at, sub.is_late)
       INSERT INTO submission_attempts (submission_id, attempt, body, attachments, submitted_at,
                                        is_late)
       SELECT id, attempt_count, $2, $3::jsonb, submitted_at, is_late FROM current`,
      [submissionId, work.body, JSON.stringify(work.attachments ?? [])],
    );
  }

  /** One statement for the page and its total, whatever the page size. */
  async list(viewer: CourseworkViewer, query: SubmissionListQuery): Promise<SubmissionPage> {
    const { rows, meta } = await queryPage<SubmissionRow>(
      this.tenant.manager,
      {
        select: SELECT,
        from: FROM,
        where: `WHERE ${SUBMISSION_IN_SCOPE}
                  AND ($4::uuid IS NULL OR sub.content_id = $4)
                  AND ($5::uuid IS NULL OR c.section_id = $5)
                  AND ($6::uuid IS NULL OR sub.student_id = $6)
                  AND ($7::text IS NULL OR sub.status = $7)
                  AND ($8::boolean IS NULL OR sub.is_late = $8)
                  AND ($9::text IS NULL OR sp.first_name ILIKE $9 OR sp.last_name ILIKE $9
                       OR c.title ILIKE $9)`,
        orderBy: `${ORDER_BY[query.sort]}, sub.id`,
      },
      [
        ...scopeParameters(viewer),
        query.contentId ?? null,
        query.sectionId ?? null,
        query.studentId ?? null,
        query.status ?? null,
        query.late ?? null,
        likePattern(query.search),
      ],
      query,
    );
    return { data: rows.map(view), meta };
  }

  /** With every attempt, oldest first. A submission the viewer may not read answers 404. */
  async find(viewer: CourseworkViewer, id: string): Promise<SubmissionView> {
    const manager = this.tenant.manager;
    const row = await oneRow<SubmissionRow>(
      manager,
      `SELECT ${SELECT} FROM ${FROM} WHERE ${SUBMISSION_IN_SCOPE} AND sub.id = $4`,
      [...scopeParameters(viewer), id],
      submissionNotFound,
    );
    const attempts = await selectRows<AttemptRow>(
      manager,
      `SELECT attempt, body, attachments, submitted_at, is_late, feedback
         FROM submission_attempts WHERE submission_id = $1 ORDER BY attempt`,
      [id],
    );
    return { ...view(row), attempts: attempts.map(attemptView) };
  }
}

function attemptView(attempt: AttemptRow): AttemptView {
  return {
    attempt: attempt.attempt,
    body: attempt.body,
    attachments: attempt.attachments,
    submittedAt: attempt.submitted_at,
    isLate: attempt.is_late,
    feedback: attempt.feedback,
  };
}

function view(row: SubmissionRow): SubmissionView {
  return {
    id: row.id,
    content: {
      id: row.content_id,
      title: row.content_title,
      sectionId: row.section_id,
      dueAt: row.due_at,
      maxPoints: row.max_points === null ? null : Number(row.max_points),
    },
    student: { id: row.student_id, displayName: row.student_name },
    status: row.status,
    attempt: row.attempt_count,
    submittedAt: row.submitted_at,
    isLate: row.is_late,
    body: row.body,
    attachments: row.attachments,
    points: row.points === null ? null : Number(row.points),
    feedback: row.feedback,
    gradedBy: row.grader_id ? { id: row.grader_id, displayName: row.grader_name ?? '' } : null,
    gradedAt: row.graded_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
