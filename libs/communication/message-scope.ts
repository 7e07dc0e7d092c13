import { type PermissionCode } from '@schoolyard/rbac';

/*
 * Who a sender may write to, as SQL over the caller's account id. The teaching rule is the
 * one attendance and coursework apply (homeroom instructor, or a teaching assignment in the
 * section; current members only), written here rather than imported: exams and attendance
 * import this library to notify, so it may import neither of them.
 */

/** Either lifts the teaching rule: the office that links guardians, or safeguarding. */
export const MESSAGES_OFFICE: PermissionCode[] = ['messages.oversee', 'guardians.update'];

/** A profile that speaks for the school: the owner, or a staff member who has not left. */
export const SCHOOL_SIDE = (profile: string, staff: string) =>
  `(${profile}.kind = 'owner' OR (${profile}.kind = 'staff' AND ${staff}.status = 'active'))`;

/** The school-side profile the account in `user` writes as: its staff profile first. */
export const senderProfile = (user: string) => `
  SELECT p.id, concat_ws(' ', p.first_name, p.last_name) AS name
    FROM profiles p LEFT JOIN staff st ON st.profile_id = p.id
   WHERE p.user_id = ${user}::uuid AND ${SCHOOL_SIDE('p', 'st')}
   ORDER BY (p.kind = 'staff') DESC, p.created_at
   LIMIT 1`;

/** Students now in a section the staff profile in `staff` is homeroom instructor of or teaches. */
export const taughtStudents = (staff: string) => `
  SELECT ss.student_id FROM section_students ss
   WHERE ss.left_on IS NULL
     AND ss.section_id IN (
           SELECT sec.id FROM sections sec WHERE sec.homeroom_instructor_id = ${staff}
           UNION SELECT ta.section_id FROM teaching_assignments ta WHERE ta.instructor_id = ${staff})`;

/**
 * Whether the account in `user` holds messages.oversee through an active role here (the
 * owner's role holds every permission). Read in SQL because the routes that need it are open
 * to every signed-in person, so the permission guard loaded no grant.
 */
export const oversees = (user: string) => `EXISTS (
  SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
   WHERE ur.user_id = ${user}::uuid AND ur.is_active
     AND (r.system_key = 'owner' OR EXISTS (
           SELECT 1 FROM role_permissions rp
            WHERE rp.role_id = r.id AND rp.permission_code = 'messages.oversee')))`;

/** The profiles of the account in `user` in this school. */
export const callerProfiles = (user: string) =>
  `SELECT id FROM profiles WHERE user_id = ${user}::uuid`;

/** How a profile takes part in a thread: staff (the owner too), guardian or student. */
export const PARTICIPANT_KIND = (profile: string) =>
  `CASE WHEN ${profile}.kind IN ('staff', 'owner') THEN 'staff' ELSE ${profile}.kind END`;
