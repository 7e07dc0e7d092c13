import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Students, staff and guardians are profiles with a record of their kind. The record's key is
 * the profile's id, so a person has one id in this school whatever they are. Accounts come
 * later (portal activation) and only as a soft link on the profile.
 */
export class People1763900000500 implements MigrationInterface {
  name = 'People1763900000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE profiles ADD COLUMN date_of_birth date, ADD COLUMN gender text;
      CREATE TABLE students (
        profile_id       uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        admission_number text NOT NULL,
        admission_date   date NOT NULL,
        status           text NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'graduated', 'withdrawn', 'suspended')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX students_admission_number_key ON students (lower(admission_number));
      CREATE INDEX students_status_idx ON students (status);
      CREATE INDEX students_admission_date_idx ON students (admission_date);
      CREATE TABLE staff (
        profile_id uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        job_title  text NOT NULL,
        department text,
        hire_date  date NOT NULL,
        status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE guardians (
        profile_id uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        phone      text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE student_guardians (
        student_id   uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        guardian_id  uuid NOT NULL REFERENCES guardians (profile_id) ON DELETE CASCADE,
        relationship text NOT NULL
                     CHECK (relationship IN ('mother', 'father', 'guardian', 'grandparent', 'sibling', 'other')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (student_id, guardian_id)
      );
      CREATE INDEX student_guardians_guardian_idx ON student_guardians (guardian_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE student_guardians, guardians, staff, students;
      ALTER TABLE profiles DROP COLUMN gender, DROP COLUMN date_of_birth;
    `);
  }
}
