import { type TenantMigration, tenantMigrations } from '@schoolyard/migrations/tenant';
import { type QueryRunner } from 'typeorm';

function addStudentColumn(column: string, timestamp: number): new () => TenantMigration {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(column)) throw new Error(`not a column name: ${column}`);
  return class AddStudentColumn implements TenantMigration {
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
  };
}

/**
 * The real tenant migration list plus releases that each add a column and an index to
 * `students`, the most common shape of a schema change (one release per column, in order).
 * Each column gets its own migration name, so runs and tests never share one.
 */
export function withReleaseMigrations(
  columns: string[],
  timestamp: number,
): ReadonlyArray<new () => TenantMigration> {
  return [
    ...tenantMigrations,
    ...columns.map((column, i) => addStudentColumn(column, timestamp + i)),
  ];
}

/** The name of the last release in `withReleaseMigrations(columns, timestamp)`. */
export function releaseName(columns: string[], timestamp: number): string {
  const list = withReleaseMigrations(columns, timestamp);
  return new list[list.length - 1]().name;
}
