import { type MigrationInterface } from 'typeorm';
import { SchoolBasics1763900000100 } from './1763900000100-SchoolBasics';

export type TenantMigration = MigrationInterface & { name: string };

/** In order of application; a unit spec checks the order follows the timestamps. */
export const tenantMigrations: ReadonlyArray<new () => TenantMigration> = [
  SchoolBasics1763900000100,
];
