import { Injectable } from '@nestjs/common';
import { selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type CourseworkViewer } from './viewer';

/** Who a viewer is in this school, and what they teach. */
@Injectable()
export class ViewersRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The account's profiles in this school (as GET /api/guardians/my-children finds them), in one query. */
  async viewerOfAccount(userId: string, overseesAll: boolean): Promise<CourseworkViewer> {
    const rows = await selectRows<{ role: 'instructor' | 'student' | 'child'; id: string }>(
      this.tenant.manager,
      `SELECT 'instructor' AS role, st.profile_id AS id
           FROM profiles p JOIN staff st ON st.profile_id = p.id
          WHERE p.user_id = $1 AND st.status = 'active'
         UNION ALL
         SELECT 'student', s.profile_id FROM profiles p JOIN students s ON s.profile_id = p.id
          WHERE p.user_id = $1
         UNION ALL
         SELECT 'child', sg.student_id FROM profiles p
           JOIN student_guardians sg ON sg.guardian_id = p.id
          WHERE p.user_id = $1`,
      [userId],
    );
    const of = (role: string) => rows.filter((row) => row.role === role).map((row) => row.id);
    return {
      overseesAll,
      instructorIds: of('instructor'),
      studentIds: of('student'),
      childIds: of('child'),
    };
  }

  /**
   * The viewer's instructor profile that teaches `subjectId` in `sectionId` (or is the section's
   * homeroom instructor), or null: only they publish, change, grade and return there.
   */
  async teachingInstructor(
    viewer: CourseworkViewer,
    sectionId: string,
    subjectId: string,
  ): Promise<string | null> {
    if (viewer.instructorIds.length === 0) return null;
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `SELECT homeroom_instructor_id AS id FROM sections
        WHERE id = $1 AND homeroom_instructor_id = ANY($3::uuid[])
       UNION ALL
       SELECT instructor_id FROM teaching_assignments
        WHERE section_id = $1 AND subject_id = $2 AND instructor_id = ANY($3::uuid[])
       LIMIT 1`,
      [sectionId, subjectId, viewer.instructorIds],
    );
    return row?.id ?? null;
  }
}
