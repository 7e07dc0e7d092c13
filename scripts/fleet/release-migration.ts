import { type TenantMigration, tenantMigrations } from '@schoolyard/migrations/tenant';
import { type QueryRunner } from 'typeorm';

/**
 * The real tenant migration list plus one release that adds a column and an index to
 * `students`, the most common shape of a schema change. Each column gets its own migration
 * name, so runs and tests that ship "a release" never share one.
 */
export function withReleaseMigration(
  column: string,
  timestamp: number,
): ReadonlyArray<new () => TenantMigration> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(column)) throw new Error(`not a column name: ${column}`);
  class AddStudentColumn implements TenantMigration {
    name = `AddStudent_${column}${timestamp}`;
    async up(db: QueryRunner): Promise<void> {
      await db.query(
        `ALTER TABLE students ADD COLUMN ${column} text;
         CREATE INDEX students_${column}_idx ON students (${column})`,
      );
    }
    async down(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE students DROP COLUMN ${column}`);
    }
  }
  return [...tenantMigrations, AddStudentColumn];
}

export function releaseName(column: string, timestamp: number): string {
  const list = withReleaseMigration(column, timestamp);
  return new list[list.length - 1]().name;
}
