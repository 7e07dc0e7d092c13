import {
  ALL_PERMISSION_CODES,
  isPermissionCode,
  PERMISSION_CATALOG,
  PERMISSIONS,
  SYSTEM_ROLES,
} from './permission-catalog';

describe('permission catalog', () => {
  it('names each permission once, as module.action', () => {
    expect(new Set(ALL_PERMISSION_CODES).size).toBe(ALL_PERMISSION_CODES.length);
    for (const code of ALL_PERMISSION_CODES) expect(code).toMatch(/^[a-z]+\.[a-z_]+$/);
    expect(Object.keys(PERMISSION_CATALOG)).toEqual([
      'School',
      'Students',
      'Staff',
      'Guardians',
      'Roles',
      'Academics',
      'Course content',
      'Calendar',
      'Attendance',
      'Exams',
      'Fees',
      'Communication',
      'Records',
      'Billing',
    ]);
    expect(PERMISSIONS.find((entry) => entry.code === 'students.view')?.module).toBe('Students');
  });

  it('gives system roles only permissions that exist, and Owner all of them', () => {
    for (const role of SYSTEM_ROLES) {
      for (const code of role.defaults) expect(isPermissionCode(code)).toBe(true);
    }
    const owner = SYSTEM_ROLES.find((role) => role.key === 'owner');
    expect([...(owner?.defaults ?? [])].sort()).toEqual([...ALL_PERMISSION_CODES].sort());
    expect(isPermissionCode('students.fly')).toBe(false);
  });
});
