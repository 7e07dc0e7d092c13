import { type PermissionCode } from '@schoolyard/rbac';

/*
 * The permissions of an exams office, which lift the rule that an instructor reaches only the
 * sections they teach (CallerScope.current).
 */

/** Entering and reading marks in any section. */
export const MARKS_OFFICE: PermissionCode[] = ['exams.manage'];

/** Reading any section's results and any student's report card. */
export const RESULTS_OFFICE: PermissionCode[] = ['exams.manage', 'exams.publish'];
