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

/**
 * Content `c` the viewer may read: their sections' content, or published content of the
 * sections their learners are in now (a student who left a section stops seeing it).
 */
export const CONTENT_IN_SCOPE = `($1::boolean OR c.section_id IN (${taughtSections('$2')})
  OR (c.is_published AND c.section_id IN (
        SELECT ss.section_id FROM section_students ss
         WHERE ss.student_id = ANY($3::uuid[]) AND ss.left_on IS NULL)))`;

/** Submission `sub` (of content `c`) the viewer may read: of their sections, or their learners' own. */
export const SUBMISSION_IN_SCOPE = `($1::boolean OR sub.student_id = ANY($3::uuid[])
  OR c.section_id IN (${taughtSections('$2')}))`;
