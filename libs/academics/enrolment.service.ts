import { Injectable } from '@nestjs/common';
import { lockRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  enrolmentNotFound,
  notFound,
  sectionFull,
  studentsNotActive,
  studentsNotFound,
} from './academics.errors';
import { type EnrolmentView } from './dto/sections.dto';
import { lockedEnrolment } from './sections.service';

/** Which students are in which section, within the section's capacity. */
@Injectable()
export class EnrolmentService {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * All or nothing: unknown or inactive students, or too many for the capacity, refuse the
   * whole request. Students already enrolled are left alone and reported. Four statements
   * whatever the number of students.
   */
  async enrol(sectionId: string, studentIds: string[]): Promise<EnrolmentView> {
    const manager = this.tenant.manager;
    const section = await lockedEnrolment(manager, sectionId);
    const found: Array<{ id: string; status: string; enrolled: boolean }> = await manager.query(
      `SELECT s.profile_id AS id, s.status,
              EXISTS (SELECT 1 FROM section_students ss
                       WHERE ss.section_id = $1 AND ss.student_id = s.profile_id) AS enrolled
         FROM students s WHERE s.profile_id = ANY($2::uuid[]) FOR KEY SHARE OF s`,
      [sectionId, studentIds],
    );
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
    if (added.length) {
      await manager.query(
        `INSERT INTO section_students (section_id, student_id)
         SELECT $1, unnest($2::uuid[])`,
        [sectionId, added],
      );
    }
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
    const manager = this.tenant.manager;
    await lockRow(manager, 'sections', sectionId, notFound('section'));
    const [removed]: Array<{ n: number }> = await manager.query(
      `WITH removed AS (
         DELETE FROM section_students WHERE section_id = $1 AND student_id = $2 RETURNING 1)
       SELECT count(*)::int AS n FROM removed`,
      [sectionId, studentId],
    );
    if (removed.n === 0) throw enrolmentNotFound();
  }
}
