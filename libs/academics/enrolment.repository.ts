import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound } from './academics.errors';

/** A student asked for, whether they may be enrolled and whether they already are. */
export interface EnrolmentCandidate {
  id: string;
  status: string;
  enrolled: boolean;
}

/** Which students sit in which section. */
@Injectable()
export class EnrolmentRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Locks the section FOR UPDATE (enrolments and capacity changes queue behind each other)
   * and answers its capacity and how many students it holds.
   */
  async lockSectionForEnrolment(sectionId: string): Promise<{ capacity: number; count: number }> {
    const manager = this.tenant.manager;
    const section = await selectRow<{ capacity: number }>(
      manager,
      `SELECT capacity FROM sections WHERE id = $1 FOR UPDATE`,
      [sectionId],
    );
    if (!section) throw notFound('section')();
    const enrolled = await selectRow<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM section_students WHERE section_id = $1`,
      [sectionId],
    );
    return { capacity: section.capacity, count: enrolled?.n ?? 0 };
  }

  /** The students of `studentIds` that exist, locked FOR KEY SHARE while they are enrolled. */
  findCandidates(sectionId: string, studentIds: string[]): Promise<EnrolmentCandidate[]> {
    return selectRows<EnrolmentCandidate>(
      this.tenant.manager,
      `SELECT s.profile_id AS id, s.status,
              EXISTS (SELECT 1 FROM section_students ss
                       WHERE ss.section_id = $1 AND ss.student_id = s.profile_id) AS enrolled
         FROM students s WHERE s.profile_id = ANY($2::uuid[]) FOR KEY SHARE OF s`,
      [sectionId, studentIds],
    );
  }

  async insertEnrolments(sectionId: string, studentIds: string[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO section_students (section_id, student_id, joined_on)
       SELECT $1, unnest($2::uuid[]), (now() AT TIME ZONE timezone)::date FROM school_settings`,
      [sectionId, studentIds],
    );
  }

  /** Answers how many enrolments it removed: 0 when the student was not enrolled. */
  deleteEnrolment(sectionId: string, studentId: string): Promise<number> {
    return execute(
      this.tenant.manager,
      `DELETE FROM section_students WHERE section_id = $1 AND student_id = $2`,
      [sectionId, studentId],
    );
  }
}
