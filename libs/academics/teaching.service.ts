import { Injectable } from '@nestjs/common';
import { notFound, subjectOfAnotherLevel } from './academics.errors';
import { type AssignTeachingDto, type TeachingAssignmentView } from './dto/sections.dto';
import { InstructorsRepository } from './instructors.repository';
import { SectionsRepository } from './sections.repository';
import { TeachingRepository } from './teaching.repository';

/**
 * Who teaches which subject in which section. An instructor teaching a subject in a section
 * (or the section's homeroom instructor) publishes its content and grades its submissions.
 */
@Injectable()
export class TeachingService {
  constructor(
    private readonly teaching: TeachingRepository,
    private readonly sections: SectionsRepository,
    private readonly instructors: InstructorsRepository,
  ) {}

  async list(sectionId: string): Promise<TeachingAssignmentView[]> {
    await this.sections.lock(sectionId);
    return this.teaching.listAssignments(sectionId);
  }

  async assign(sectionId: string, teaching: AssignTeachingDto): Promise<TeachingAssignmentView> {
    const section = await this.teaching.lockSectionLevel(sectionId);
    if (!section) throw notFound('section')();
    const subject = await this.teaching.lockSubjectLevel(teaching.subjectId);
    if (!subject) throw notFound('subject')();
    if (subject.level_id && subject.level_id !== section.level_id) throw subjectOfAnotherLevel();
    await this.instructors.lockInstructor(teaching.instructorId);
    const id = await this.teaching.insertAssignment(
      sectionId,
      teaching.subjectId,
      teaching.instructorId,
    );
    const view = await this.teaching.findAssignment(id);
    if (!view) throw notFound('teaching assignment')();
    return view;
  }

  async unassign(sectionId: string, assignmentId: string): Promise<void> {
    const removed = await this.teaching.deleteAssignment(sectionId, assignmentId);
    if (removed === 0) throw notFound('teaching assignment')();
  }
}
