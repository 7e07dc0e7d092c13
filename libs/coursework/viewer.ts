import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
import { CallerAccess } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/**
 * Who is looking at coursework, in this school's terms. Row-level rules read it: an instructor
 * reaches the sections they teach, a student their own sections and submissions, a guardian
 * their linked children's; an overseer reads everything and writes nothing. One person may be
 * several of these (a teacher who is also a parent here).
 */
export interface CourseworkViewer {
  overseesAll: boolean;
  /** The caller's active staff profiles. */
  instructorIds: string[];
  /** The caller's own student profiles. */
  studentIds: string[];
  /** The students linked to the caller's guardian profiles. */
  childIds: string[];
}

/** Viewers for work done outside HTTP (a seeding command acting as a given person). */
export const Viewers = {
  instructor: (staffId: string): CourseworkViewer => ({
    overseesAll: false,
    instructorIds: [staffId],
    studentIds: [],
    childIds: [],
  }),
  student: (studentId: string): CourseworkViewer => ({
    overseesAll: false,
    instructorIds: [],
    studentIds: [studentId],
    childIds: [],
  }),
  guardianOf: (childIds: string[]): CourseworkViewer => ({
    overseesAll: false,
    instructorIds: [],
    studentIds: [],
    childIds,
  }),
  overseer: (): CourseworkViewer => ({
    overseesAll: true,
    instructorIds: [],
    studentIds: [],
    childIds: [],
  }),
};

/** Students whose published content and submissions the viewer may read. */
export const learnersOf = (viewer: CourseworkViewer) => [...viewer.studentIds, ...viewer.childIds];

/** The account's profiles in this school (as GET /api/guardians/my-children finds them), in one query. */
export async function viewerOfAccount(
  manager: EntityManager,
  userId: string,
  overseesAll: boolean,
): Promise<CourseworkViewer> {
  const rows: Array<{ role: 'instructor' | 'student' | 'child'; id: string }> = await manager.query(
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

/** The signed-in caller as a viewer: their profiles here, and whether they hold coursework.oversee. */
@Injectable()
export class CallerViewer {
  constructor(
    private readonly tenant: TenantContext,
    private readonly principal: PrincipalContext,
    private readonly access: CallerAccess,
  ) {}

  current(): Promise<CourseworkViewer> {
    return viewerOfAccount(
      this.tenant.manager,
      this.principal.principal.userId,
      this.access.has('coursework.oversee'),
    );
  }
}
