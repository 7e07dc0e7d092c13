import { type PermissionCode } from '@schoolyard/rbac';

/*
 * Row-level scope of attendance, as SQL over the caller's account id. An instructor reaches
 * the sections they are homeroom of or teach a subject in; attendance.manage reaches all.
 */

/** attendance.manage, the office's, lifts every row-level rule of attendance. */
export const ATTENDANCE_OFFICE: PermissionCode[] = ['attendance.manage'];

/** The active staff profiles of the account in parameter `user`. */
export const callerStaff = (user: string) => `
  SELECT st.profile_id FROM profiles p JOIN staff st ON st.profile_id = p.id
   WHERE p.user_id = ${user}::uuid AND st.status = 'active'`;

/** Sections the account in `user` is homeroom instructor of or teaches in. */
export const taughtSections = (user: string) => `
  SELECT sec.id FROM sections sec WHERE sec.homeroom_instructor_id IN (${callerStaff(user)})
  UNION SELECT ta.section_id FROM teaching_assignments ta WHERE ta.instructor_id IN (${callerStaff(user)})`;

/** Section id expression `section` is within reach: `manages` (boolean) or taught by `user`. */
export const sectionInScope = (section: string, manages: string, user: string) =>
  `(${manages}::boolean OR ${section} IN (${taughtSections(user)}))`;

/** The profile that signs a change made by the account in `user`: its staff profile first. */
export const callerProfile = (user: string) => `(
  SELECT p.id FROM profiles p WHERE p.user_id = ${user}::uuid
   ORDER BY (p.kind = 'staff') DESC, p.created_at LIMIT 1)`;

/** Whether membership row `alias` covered date `on`: the academics library's definition. */
export { membershipHeldOn as memberOn } from '@schoolyard/academics';
