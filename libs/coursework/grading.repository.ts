import { Injectable } from '@nestjs/common';
import { execute, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

/** Where a submission belongs, and the most points its assignment gives. */
export interface GradingTarget {
  sectionId: string;
  subjectId: string;
  maxPoints: number | null;
}

/** The grader's side of a submission: its outcome, and the feedback on its attempts. */
@Injectable()
export class GradingRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Locks the submission FOR UPDATE; undefined if it is not in this school. */
  async lockSubmission(id: string): Promise<GradingTarget | undefined> {
    const row = await selectRow<{
      section_id: string;
      subject_id: string;
      max_points: string | null;
    }>(
      this.tenant.manager,
      `SELECT c.section_id, c.subject_id, c.max_points
         FROM submissions sub JOIN course_contents c ON c.id = sub.content_id
        WHERE sub.id = $1 FOR UPDATE OF sub`,
      [id],
    );
    return row
      ? {
          sectionId: row.section_id,
          subjectId: row.subject_id,
          maxPoints: row.max_points === null ? null : Number(row.max_points),
        }
      : undefined;
  }

  /** The outcome on the submission, and the feedback on its current attempt for the record. */
  async recordOutcome(
    id: string,
    status: 'graded' | 'returned',
    points: number | null,
    feedback: string | null,
    instructorId: string,
  ): Promise<void> {
    await execute(
      this.tenant.manager,
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
