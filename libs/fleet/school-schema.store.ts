import { Injectable } from '@nestjs/common';
import { execute, selectRows } from '@schoolyard/common';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** Advisory-lock namespace: one lock per school, so two maintainers never migrate one school at once. */
export const SCHOOL_LOCK_NAMESPACE = 7_240_002;

/**
 * A school's schema and role as the owner account builds, migrates and drops them, always in
 * the caller's transaction (`manager`). Names come validated from school-naming: DDL cannot
 * take them as parameters, so they are quoted identifiers in the text.
 */
@Injectable()
export class SchoolSchemaStore {
  /** Held until the transaction ends: migration, provisioning and drop of one school queue. */
  async lockSchool(manager: EntityManager, schoolId: string): Promise<void> {
    await selectRows(manager, 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      SCHOOL_LOCK_NAMESPACE,
      schoolId,
    ]);
  }

  /**
   * The role, the schema and the privileges the role gets on every table made later; then
   * the schema goes on the path for the migrations that follow. One message for the whole
   * block: names are validated, so no parameters are needed.
   */
  async createSchema(
    manager: EntityManager,
    names: { schemaName: string; dbRole: string; apiRole: string },
  ): Promise<void> {
    const schema = quoteIdentifier(names.schemaName);
    const role = quoteIdentifier(names.dbRole);
    await execute(
      manager,
      [
        `CREATE ROLE ${role} NOLOGIN NOINHERIT`,
        `GRANT ${role} TO ${quoteIdentifier(names.apiRole)}`,
        `CREATE SCHEMA ${schema}`,
        `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
        `SELECT set_config('search_path', '${schema}', true)`,
      ].join('; '),
    );
  }

  async dropSchema(manager: EntityManager, names: { schemaName: string; dbRole: string }) {
    const role = quoteIdentifier(names.dbRole);
    await execute(
      manager,
      [
        `DROP SCHEMA IF EXISTS ${quoteIdentifier(names.schemaName)} CASCADE`,
        // Grants the role holds outside the schema (functions of public) go with it.
        `DROP OWNED BY ${role}`,
        `DROP ROLE ${role}`,
      ].join('; '),
    );
  }

  /** The school's schema on the path, and how long to wait for a lock, for this transaction. */
  async enterForMigration(
    manager: EntityManager,
    schemaName: string,
    lockTimeout: string,
  ): Promise<void> {
    await selectRows(
      manager,
      `SELECT set_config('search_path', $1, true), set_config('lock_timeout', $2, true)`,
      [quoteIdentifier(schemaName), lockTimeout],
    );
  }

  async savepoint(manager: EntityManager, name: 'migrate'): Promise<void> {
    await execute(manager, `SAVEPOINT ${name}`);
  }

  async rollbackToSavepoint(manager: EntityManager, name: 'migrate'): Promise<void> {
    await execute(manager, `ROLLBACK TO SAVEPOINT ${name}`);
  }

  /** The migrations the school (on the path) has had; makes their table the first time. */
  async appliedMigrations(manager: EntityManager): Promise<Set<string>> {
    await execute(
      manager,
      `CREATE TABLE IF NOT EXISTS school_migrations (
         name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await selectRows<{ name: string }>(manager, 'SELECT name FROM school_migrations');
    return new Set(rows.map((row) => row.name));
  }

  async recordMigrations(manager: EntityManager, names: string[]): Promise<void> {
    await execute(manager, 'INSERT INTO school_migrations (name) SELECT unnest($1::text[])', [
      names,
    ]);
  }
}
