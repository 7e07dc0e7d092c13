import { Injectable } from '@nestjs/common';
import {
  enrolmentNotFound,
  sectionFull,
  studentsNotActive,
  studentsNotFound,
} from './academics.errors';
import { type EnrolmentView } from './dto/sections.dto';
import { EnrolmentRepository } from './enrolment.repository';
import { SectionsRepository } from './sections.repository';

/** Which students are in which section, within the section's capacity. */
@Injectable()
export class EnrolmentService {
  constructor(
    private readonly enrolment: EnrolmentRepository,
    private readonly sections: SectionsRepository,
  ) {}

  /**
   * All or nothing: unknown or inactive students, or too many for the capacity, refuse the
   * whole request. Students already enrolled are left alone and reported. Four statements
   * whatever the number of students.
   */
  async enrol(sectionId: string, studentIds: string[]): Promise<EnrolmentView> {
    const section = await this.enrolment.lockSectionForEnrolment(sectionId);
    const found = await this.enrolment.findCandidates(sectionId, studentIds);
    const byId = new Map(found.map((student) => [student.id, student]));
    const unknown = studentIds.filter((id) => !byId.has(id));
    if (unknown.length) throw studentsNotFound(unknown);
    const alreadyEnrolled = studentIds.filter((id) => byId.get(id)?.enrolled);
    const added = studentIds.filter((id) => !byId.get(id)?.enrolled);
    const inactive = added.filter((id) => byId.get(id)?.status !== 'active');
    if (inactive.length) throw studentsNotActive(inactive);
    if (section.count + added.length > section.capacity) {
      throw sectionFull(section.capacity, section.count, added.length);
    }
    if (added.length) await this.enrolment.insertEnrolments(sectionId, added);
    return {
      sectionId,
      capacity: section.capacity,
      enrolledCount: section.count + added.length,
      added,
      alreadyEnrolled,
    };
  }

  /** The student's submissions stay theirs; they just stop seeing the section's content. */
  async withdraw(sectionId: string, studentId: string): Promise<void> {
    await this.sections.lock(sectionId);
    const removed = await this.enrolment.deleteEnrolment(sectionId, studentId);
    if (removed === 0) throw enrolmentNotFound();
  }
}
