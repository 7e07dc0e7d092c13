import { type MigrationInterface } from 'typeorm';
import { SchoolBasics1763900000100 } from './1763900000100-SchoolBasics';
import { RolesAndPermissions1763900000300 } from './1763900000300-RolesAndPermissions';
import { People1763900000500 } from './1763900000500-People';
import { Academics1763900000610 } from './1763900000610-Academics';
import { Coursework1763900000620 } from './1763900000620-Coursework';
import { SchoolYearAndAttendance1763900000700 } from './1763900000700-SchoolYearAndAttendance';
import { Exams1763900000800 } from './1763900000800-Exams';
import { Fees1763900000900 } from './1763900000900-Fees';
import { Communication1763900001000 } from './1763900001000-Communication';
import { AuditTrail1763900001100 } from './1763900001100-AuditTrail';
import { Imports1763900001200 } from './1763900001200-Imports';

export { syncPermissionCatalog } from './permission-catalog.sync';
export * from './permission-catalog';

export type TenantMigration = MigrationInterface & { name: string };

/** In order of application; a unit spec checks the order follows the timestamps. */
export const tenantMigrations: ReadonlyArray<new () => TenantMigration> = [
  SchoolBasics1763900000100,
  RolesAndPermissions1763900000300,
  People1763900000500,
  Academics1763900000610,
  Coursework1763900000620,
  SchoolYearAndAttendance1763900000700,
  Exams1763900000800,
  Fees1763900000900,
  Communication1763900001000,
  AuditTrail1763900001100,
  Imports1763900001200,
];
