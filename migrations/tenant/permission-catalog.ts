import { createHash } from 'node:crypto';

/**
 * Every permission a school can grant, defined once. `tenants migrate` (and provisioning)
 * copies this list into each school's `permissions` table: adding a line here reaches the
 * whole fleet with no manual step, and the new permission is granted to the system roles
 * whose defaults below include it. This file has no dependencies so migrations can use it.
 */
export const PERMISSION_CATALOG = {
  School: {
    'school.update': "Change the school's name, branding and settings",
  },
  Students: {
    'students.view': 'See students and their records',
    'students.create': 'Enroll students',
    'students.update': "Change students' records",
    'students.delete': 'Withdraw students',
    'students.purge': 'Delete students for good, unlinking their accounts',
    'students.activate':
      'Create and close portal accounts for students, reset the passwords of the ones the school made, and print their credential slips',
  },
  Staff: {
    'staff.view': 'See staff members',
    'staff.create': 'Onboard staff members',
    'staff.update': "Change staff members' records",
    'staff.delete': 'Mark staff members as having left, closing their portal accounts',
    'staff.activate':
      'Create and close portal accounts for staff, reset the passwords of the ones the school made, and print their credential slips',
  },
  Guardians: {
    'guardians.view': 'See guardians and their links to students',
    'guardians.create': 'Add guardians',
    'guardians.update': 'Change guardians and link them to students',
    'guardians.delete': 'Remove guardians',
    'guardians.activate':
      'Create and close portal accounts for guardians, reset the passwords of the ones the school made, and print their credential slips',
  },
  Roles: {
    'roles.view': 'See roles, their permissions and who holds them',
    'roles.create': 'Create roles',
    'roles.update': 'Rename roles and change their permissions',
    'roles.delete': 'Delete roles',
    'roles.assign': 'Give people roles and take them away',
  },
  Academics: {
    'academics.view': 'See programs, levels, sections and subjects',
    'academics.manage':
      'Create and change programs, levels, sections and subjects; enrol students in sections and assign instructors',
  },
  'Course content': {
    'coursework.view':
      'See course content, submissions and grades: an instructor of their sections, a student their own, a guardian their children',
    'coursework.manage': 'Publish and change course content in the sections one teaches',
    'coursework.submit': "Hand in work to assignments of one's own sections",
    'coursework.grade': 'Grade and return submissions in the sections one teaches',
    'coursework.oversee': "See every section's course content, submissions and grades",
  },
  Calendar: {
    'calendar.view': "See the school's academic years, terms, holidays and events",
    'calendar.manage': 'Set academic years, terms, rest days, holidays and events',
  },
  Attendance: {
    'attendance.view':
      'See attendance registers and reports: an instructor of their sections, an office everything',
    'attendance.take':
      'Take attendance: the daily register as homeroom instructor, lessons in the subjects one teaches',
    'attendance.manage':
      'Correct and unlock registers after the editing window, and decide absence notes',
  },
  Exams: {
    'exams.view':
      'See exams, papers, marks and results: an instructor of their sections, an office everything',
    'exams.manage':
      'Set grading scales, exams, papers and weightings; correct marks and reopen published exams',
    'exams.mark': "Enter marks for the papers of the subjects one teaches in one's sections",
    'exams.publish': 'Publish results and build report cards',
  },
  Fees: {
    'fees.view': "See fee structures, invoices, receipts, students' accounts and the fee reports",
    'fees.manage':
      'Set fee heads, structures, concessions, late fines and the eSewa merchant; generate and void invoices',
    'fees.collect': 'Take payments at the counter and issue receipts',
    'fees.refund': 'Issue credit notes against invoices and refund credit',
  },
  Communication: {
    'announcements.manage': 'Publish announcements to the whole school or part of it',
    'messages.send':
      'Open message threads: an instructor with the guardians of the students they teach, the office with anyone',
    'messages.oversee': 'See message threads between staff and students (safeguarding)',
  },
  Records: {
    'audit.view': "See the school's audit trail: who changed what, when and from where",
    'data.import': 'Import students, guardians, staff and enrolments from CSV files',
    'data.export':
      "Export lists as CSV and everything held about one student (with the list's own view permission)",
  },
  Billing: {
    'billing.view': "See the school's plan, subscription and payments",
    'billing.manage': "Pay for the school's plan (eSewa) and check payments with the provider",
  },
} as const satisfies Record<string, Record<string, string>>;

type Catalog = typeof PERMISSION_CATALOG;
export type PermissionModule = keyof Catalog;
export type PermissionCode = { [M in PermissionModule]: keyof Catalog[M] }[PermissionModule];

export interface PermissionEntry {
  code: PermissionCode;
  module: PermissionModule;
  description: string;
}

export const PERMISSIONS: readonly PermissionEntry[] = Object.entries(PERMISSION_CATALOG).flatMap(
  ([module, codes]) =>
    Object.entries(codes).map(([code, description]) => ({
      code: code as PermissionCode,
      module: module as PermissionModule,
      description: description as string,
    })),
);

export const ALL_PERMISSION_CODES: readonly PermissionCode[] = PERMISSIONS.map(
  (entry) => entry.code,
);

const KNOWN_CODES = new Set<string>(ALL_PERMISSION_CODES);

export function isPermissionCode(code: string): code is PermissionCode {
  return KNOWN_CODES.has(code);
}

export type SystemRoleKey = 'owner' | 'admin' | 'instructor' | 'student' | 'guardian';

export interface SystemRoleDefinition {
  key: SystemRoleKey;
  name: string;
  description: string;
  /** What a new school starts with; schools may change these (Owner's excepted). */
  defaults: readonly PermissionCode[];
}

const everything = ALL_PERMISSION_CODES;

/** Seeded into every school. Owner always holds every permission in the catalog. */
export const SYSTEM_ROLES: readonly SystemRoleDefinition[] = [
  {
    key: 'owner',
    name: 'Owner',
    description: 'Runs the school: every permission, always',
    defaults: everything,
  },
  {
    key: 'admin',
    name: 'Admin',
    description: 'The school office: people, roles and academics; sees billing',
    // Paying the platform stays with the Owner unless the Owner grants it.
    defaults: everything.filter(
      (code) =>
        code !== 'students.purge' &&
        code !== 'coursework.submit' &&
        code !== 'billing.manage' &&
        // Safeguarding oversight is given to a named person, not to the whole office.
        code !== 'messages.oversee',
    ),
  },
  {
    key: 'instructor',
    name: 'Instructor',
    description: 'Teaches: sees students, publishes course content and grades',
    defaults: [
      'students.view',
      'guardians.view',
      'staff.view',
      'academics.view',
      'coursework.view',
      'coursework.manage',
      'coursework.grade',
      'calendar.view',
      'attendance.view',
      'attendance.take',
      'exams.view',
      'exams.mark',
      'messages.send',
    ],
  },
  {
    key: 'student',
    name: 'Student',
    description: 'Learns: sees course content and hands in work',
    defaults: ['academics.view', 'coursework.view', 'coursework.submit', 'calendar.view'],
  },
  {
    key: 'guardian',
    name: 'Guardian',
    description: "Follows their own children's schooling",
    defaults: ['academics.view', 'coursework.view', 'calendar.view'],
  },
];

/**
 * Changes whenever the catalog or the defaults change. The fleet ledger records the version
 * each school was synced to, so finding the schools to sync is one query.
 */
export const PERMISSION_CATALOG_VERSION = createHash('sha256')
  .update(JSON.stringify({ permissions: PERMISSIONS, roles: SYSTEM_ROLES }))
  .digest('hex')
  .slice(0, 16);
