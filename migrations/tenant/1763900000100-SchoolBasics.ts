import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Tenant migrations use unqualified names: the runner sets the school's search_path for
 * the transaction, so the same text builds every school.
 */
export class SchoolBasics1763900000100 implements MigrationInterface {
  name = 'SchoolBasics1763900000100';

  async up(db: QueryRunner): Promise<void> {
    // One message: a school is built in one transaction, so nothing is gained by waiting for
    // each statement's answer before sending the next.
    await db.query(`
      CREATE TABLE school_settings (
        id              smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        display_name    text NOT NULL,
        timezone        text NOT NULL DEFAULT 'UTC',
        locale          text NOT NULL DEFAULT 'en',
        primary_color   text,
        secondary_color text,
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      -- A person in this school. user_id is a soft link to public.users: no foreign key,
      -- so the schema can move to another server whole (invariant 6).
      CREATE TABLE profiles (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind           text NOT NULL CHECK (kind IN ('student', 'staff', 'guardian', 'owner')),
        first_name     text NOT NULL,
        middle_name    text,
        last_name      text NOT NULL,
        email          text,
        local_username text,
        user_id        uuid,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX profiles_local_username_key ON profiles (local_username);
      CREATE INDEX profiles_user_id_idx ON profiles (user_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE profiles, school_settings`);
  }
}
