import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Where the request login's password lives when the operator does not set one: a random
 * value in a schema only the owner account can read. It used to be derived from the owner's
 * URL, which made it a constant anyone could compute when that URL had no password (trust,
 * peer or .pgpass authentication), and that login may switch into every school's role.
 */
export class LoginSecrets1763900001100 implements MigrationInterface {
  name = 'LoginSecrets1763900001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE SCHEMA schoolyard_private;
      REVOKE ALL ON SCHEMA schoolyard_private FROM PUBLIC;
      CREATE TABLE schoolyard_private.login_secrets (
        role_name  text PRIMARY KEY,
        password   text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      REVOKE ALL ON schoolyard_private.login_secrets FROM PUBLIC;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA schoolyard_private CASCADE`);
  }
}
