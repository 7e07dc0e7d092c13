import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';
import { teachingInstructor } from './coursework-scope';
import { notTeaching, pointsAboveMax, submissionNotFound } from './coursework.errors';
import {
  type GradeSubmissionDto,
  type ReturnSubmissionDto,
  type SubmissionView,
} from './dto/submissions.dto';
import { SubmissionsService } from './submissions.service';
import { type CourseworkViewer } from './viewer';

/**
 * Grading and returning belong to the instructors who teach the assignment's subject in its
 * section (or are its homeroom instructor) — not to anyone else holding coursework.grade.
 * A graded submission may be graded again (a correction); returned work awaits a new attempt.
 */
@Injectable()
export class GradingService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly submissions: SubmissionsService,
  ) {}

  async grade(
    viewer: CourseworkViewer,
    id: string,
    grade: GradeSubmissionDto,
  ): Promise<SubmissionView> {
    const { instructorId, maxPoints } = await this.grader(viewer, id);
    if (maxPoints !== null && grade.points > maxPoints) throw pointsAboveMax(maxPoints);
    await this.record(id, 'graded', grade.points, grade.feedback ?? null, instructorId);
    return this.submissions.get(viewer, id);
  }

  /** Sends the work back with feedback; the student may hand in a new attempt. */
  async giveBack(
    viewer: CourseworkViewer,
    id: string,
    comments: ReturnSubmissionDto,
  ): Promise<SubmissionView> {
    const { instructorId } = await this.grader(viewer, id);
    await this.record(id, 'returned', null, comments.feedback, instructorId);
    return this.submissions.get(viewer, id);
  }

  /** Locks the submission; 404 when not in this school, 403 unless the viewer teaches it. */
  private async grader(viewer: CourseworkViewer, id: string) {
    const manager = this.tenant.manager;
    const [submission]: Array<{
      section_id: string;
      subject_id: string;
      max_points: string | null;
    }> = await manager.query(
      `SELECT c.section_id, c.subject_id, c.max_points
         FROM submissions sub JOIN course_contents c ON c.id = sub.content_id
        WHERE sub.id = $1 FOR UPDATE OF sub`,
      [id],
    );
    if (!submission) throw submissionNotFound();
    const instructorId = await teachingInstructor(
      manager,
      viewer,
      submission.section_id,
      submission.subject_id,
    );
    if (!instructorId) throw notTeaching();
    const maxPoints = submission.max_points === null ? null : Number(submission.max_points);
    return { instructorId, maxPoints };
  }

  /** The outcome on the submission, and the feedback on its current attempt for the record. */
  private async record(
    id: string,
    status: 'graded' | 'returned',
    points: number | null,
    feedback: string | null,
    instructorId: string,
  ): Promise<void> {
    await this.tenant.manager.query(
      `WITH outcome AS (
         UPDATE submissions
            SET status = $2, points = $3, feedback = $4, updated_at = now(),
                graded_by = CASE WHEN $2 = 'graded' THEN $5::uuid END,
                graded_at = CASE WHEN $2 = 'graded' THEN now() END
          WHERE id = $1 RETURNING id, attempt_count)
       UPDATE submission_attempts att SET feedback = $4
         FROM outcome WHERE att.submission_id = outcome.id AND att.attempt = outcome.attempt_count`,
      [id, status, points, feedback, instructorId],
    );
  }
}
