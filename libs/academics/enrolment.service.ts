import { Injectable } from '@nestjs/common';
import {
  enrolmentNotFound,
  notFound,
  sectionFull,
  studentsNotActive,
  studentsNotFound,
} from './academics.errors';
import { type EnrolledView, type MembershipView, type RosterView } from './dto/enrolment.dto';
import {
  dateInFuture,
  enrolmentOverlaps,
  joinedBeforeAcademicYear,
  leftBeforeJoining,
  studentNotFound,
} from './enrolment.errors';
import { EnrolmentRepository } from './enrolment.repository';
import { SectionsRepository } from './sections.repository';

/*
 * Dates here are the school's local dates as YYYY-MM-DD strings, today's included (read by
 * PostgreSQL in the school's time zone). Strings of that form compare in calendar order, so
 * the rules below compare them as they are and never compute a date in JavaScript.
 */

/**
 * Which students are in which section, within the section's capacity, and since when.
 * Memberships keep their history: a student who leaves keeps the days they were in the
 * section (`joinedOn` to the day before `leftOn`), and rejoining opens a new membership.
 */
@Injectable()
export class EnrolmentService {
  constructor(
    private readonly enrolment: EnrolmentRepository,
    private readonly sections: SectionsRepository,
  ) {}

  /**
   * All or nothing: unknown or inactive students, a student whose earlier stay in the
   * section ran past `joinedOn`, or too many for the capacity refuse the whole request.
   * Students already in the section are left alone (their own joining day stays) and
   * reported. Four statements whatever the number of students.
   */
  async enrol(sectionId: string, studentIds: string[], joinedOn?: string): Promise<EnrolledView> {
    const section = await this.enrolment.lockSectionForEnrolment(sectionId);
    const day = joinedOn ?? section.today;
    if (day > section.today) throw dateInFuture('joinedOn', section.today);
    if (day < section.startsOn) throw joinedBeforeAcademicYear(section.startsOn);
    const found = await this.enrolment.findCandidates(sectionId, studentIds, day);
    const byId = new Map(found.map((student) => [student.id, student]));
    const unknown = studentIds.filter((id) => !byId.has(id));
    if (unknown.length) throw studentsNotFound(unknown);
    const alreadyEnrolled = studentIds.filter((id) => byId.get(id)?.enrolled);
    const added = studentIds.filter((id) => !byId.get(id)?.enrolled);
    const inactive = added.filter((id) => byId.get(id)?.status !== 'active');
    if (inactive.length) throw studentsNotActive(inactive);
    const overlapping = added.filter((id) => byId.get(id)?.overlaps);
    if (overlapping.length) throw enrolmentOverlaps(overlapping);
    if (section.count + added.length > section.capacity) {
      throw sectionFull(section.capacity, section.count, added.length);
    }
    if (added.length) await this.enrolment.insertEnrolments(sectionId, added, day);
    return {
      sectionId,
      capacity: section.capacity,
      enrolledCount: section.count + added.length,
      added,
      alreadyEnrolled,
      joinedOn: day,
    };
  }

  /**
   * Ends the student's membership on `leftOn` (default today), the first day they are no
   * longer in the section; the days before stay in its history. A membership that would end
   * on the day it began never held a single day (enrolled by mistake, taken out the same
   * day): its row is deleted rather than kept as an empty stay, so it leaves no history and
   * does not keep the section from being deleted. The student's submissions stay theirs in
   * either case; they just stop seeing the section's content.
   */
  async withdraw(sectionId: string, studentId: string, leftOn?: string): Promise<void> {
    await this.sections.lock(sectionId);
    const membership = await this.enrolment.lockOpenMembership(sectionId, studentId);
    if (!membership) throw enrolmentNotFound();
    const day = leftOn ?? membership.today;
    if (day > membership.today) throw dateInFuture('leftOn', membership.today);
    if (day < membership.joinedOn) throw leftBeforeJoining(membership.joinedOn);
    if (day === membership.joinedOn) await this.enrolment.deleteMembership(membership.id);
    else await this.enrolment.closeMembership(membership.id, day);
  }

  /** The students who were in the section on `on` (default today), with their stay. */
  async roster(sectionId: string, on?: string): Promise<RosterView> {
    const roster = await this.enrolment.roster(sectionId, on);
    if (!roster) throw notFound('section')();
    return roster;
  }

  /** Every section the student has been in, latest first. */
  async membershipsOf(studentId: string): Promise<MembershipView[]> {
    const memberships = await this.enrolment.membershipsOf(studentId);
    if (!memberships) throw studentNotFound();
    return memberships;
  }
}
