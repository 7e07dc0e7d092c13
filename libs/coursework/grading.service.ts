import { Injectable } from '@nestjs/common';
import { notTeaching, pointsAboveMax, submissionNotFound } from './coursework.errors';
import {
  type GradeSubmissionDto,
  type ReturnSubmissionDto,
  type SubmissionView,
} from './dto/submissions.dto';
import { GradingRepository } from './grading.repository';
import { SubmissionsService } from './submissions.service';
import { type CourseworkViewer } from './viewer';
import { ViewersRepository } from './viewers.repository';

/**
 * Grading and returning belong to the instructors who teach the assignment's subject in its
 * section (or are its homeroom instructor) — not to anyone else holding coursework.grade.
 * A graded submission may be graded again (a correction); returned work awaits a new attempt.
 */
@Injectable()
export class GradingService {
  constructor(
    private readonly grading: GradingRepository,
    private readonly viewers: ViewersRepository,
    private readonly submissions: SubmissionsService,
  ) {}

  async grade(
    viewer: CourseworkViewer,
    id: string,
    grade: GradeSubmissionDto,
  ): Promise<SubmissionView> {
    const { instructorId, maxPoints } = await this.grader(viewer, id);
    if (maxPoints !== null && grade.points > maxPoints) throw pointsAboveMax(maxPoints);
    await this.grading.recordOutcome(
      id,
      'graded',
      grade.points,
      grade.feedback ?? null,
      instructorId,
    );
    return this.submissions.get(viewer, id);
  }

  /** Sends the work back with feedback; the student may hand in a new attempt. */
  async giveBack(
    viewer: CourseworkViewer,
    id: string,
    comments: ReturnSubmissionDto,
  ): Promise<SubmissionView> {
    const { instructorId } = await this.grader(viewer, id);
    await this.grading.recordOutcome(id, 'returned', null, comments.feedback, instructorId);
    return this.submissions.get(viewer, id);
  }

  /** Locks the submission; 404 when not in this school, 403 unless the viewer teaches it. */
  private async grader(viewer: CourseworkViewer, id: string) {
    const submission = await this.grading.lockSubmission(id);
    if (!submission) throw submissionNotFound();
    const instructorId = await this.viewers.teachingInstructor(
      viewer,
      submission.sectionId,
      submission.subjectId,
    );
    if (!instructorId) throw notTeaching();
    return { instructorId, maxPoints: submission.maxPoints };
  }
}
