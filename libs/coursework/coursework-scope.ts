import { type EntityManager } from 'typeorm';
import { learnersOf, type CourseworkViewer } from './viewer';

/** The sections the instructors in array parameter `p` teach in or are homeroom of. */
const taughtSections = (p: string) => `
  SELECT sec.id FROM sections sec WHERE sec.homeroom_instructor_id = ANY(${p}::uuid[])
  UNION SELECT ta.section_id FROM teaching_assignments ta WHERE ta.instructor_id = ANY(${p}::uuid[])`;

/**
 * The scope parameters, always $1..$3 of a coursework read: whether the viewer oversees
 * everything, their instructor profiles, and the students whose coursework they follow.
 */
export const scopeParameters = (viewer: CourseworkViewer): unknown[] => [
  viewer.overseesAll,
  viewer.instructorIds,
  learnersOf(viewer),
];

/** Content `c` the viewer may read: their sections' content, or published content of their learners' sections. */
export const CONTENT_IN_SCOPE = `($1::boolean OR c.section_id IN (${taughtSections('$2')})
  OR (c.is_published AND c.section_id IN (
        SELECT ss.section_id FROM section_students ss WHERE ss.student_id = ANY($3::uuid[]))))`;

/** Submission `sub` (of content `c`) the viewer may read: of their sections, or their learners' own. */
export const SUBMISSION_IN_SCOPE = `($1::boolean OR sub.student_id = ANY($3::uuid[])
  OR c.section_id IN (${taughtSections('$2')}))`;

/**
 * The viewer's instructor profile that teaches `subjectId` in `sectionId` (or is the section's
 * homeroom instructor), or null: only they publish, change, grade and return there.
 */
export async function teachingInstructor(
  manager: EntityManager,
  viewer: CourseworkViewer,
  sectionId: string,
  subjectId: string,
): Promise<string | null> {
  if (viewer.instructorIds.length === 0) return null;
  const [row]: Array<{ id: string }> = await manager.query(
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
