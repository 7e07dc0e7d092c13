import { Injectable } from '@nestjs/common';
import { alreadyGraded, contentNotFound, notAnAssignment, notYours } from './coursework.errors';
import {
  type SubmissionListQuery,
  type SubmissionPage,
  type SubmissionView,
  type SubmitWorkDto,
} from './dto/submissions.dto';
import { SubmissionsRepository } from './submissions.repository';
import { type CourseworkViewer } from './viewer';

/**
 * Work handed in to assignments. Resubmitting before the work is graded keeps every attempt:
 * the submission (what is graded) stays one, its latest attempt is the current one, and the
 * earlier attempts remain readable with what the instructor said of each.
 */
@Injectable()
export class SubmissionsService {
  constructor(private readonly submissions: SubmissionsRepository) {}

  async submit(viewer: CourseworkViewer, work: SubmitWorkDto): Promise<SubmissionView> {
    if (viewer.studentIds.length === 0) throw notYours('Only a student hands in work');
    const content = await this.submissions.lockHandInTarget(work.contentId);
    if (!content) throw contentNotFound();
    const studentId = await this.submissions.enrolledStudent(content.section_id, viewer.studentIds);
    if (!studentId || !content.is_published) {
      throw notYours('Work is handed in to published assignments of your own sections only');
    }
    if (content.kind !== 'assignment') throw notAnAssignment();
    const submission = await this.submissions.lockSubmission(work.contentId, studentId);
    if (submission.status === 'graded') throw alreadyGraded();
    await this.submissions.insertAttempt(submission.id, work);
    return this.get(viewer, submission.id);
  }

  list(viewer: CourseworkViewer, query: SubmissionListQuery): Promise<SubmissionPage> {
    return this.submissions.list(viewer, query);
  }

  /** With every attempt, oldest first. A submission the viewer may not read answers 404. */
  get(viewer: CourseworkViewer, id: string): Promise<SubmissionView> {
    return this.submissions.find(viewer, id);
  }
}
