import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * How a school organises teaching: programs hold ordered levels, a level holds sections (one
 * per academic year and name), students are enrolled in sections, and instructors teach
 * subjects in sections. References between these tables are RESTRICT (the default) where a
 * delete must be refused with IN_USE, and CASCADE only for what belongs to its parent.
 */
export class Academics1763900000610 implements MigrationInterface {
  name = 'Academics1763900000610';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE programs (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code        text NOT NULL,
        name        text NOT NULL,
        description text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX programs_code_key ON programs (lower(code));
      CREATE TABLE academic_levels (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs (id),
        name       text NOT NULL,
        position   integer NOT NULL CHECK (position >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX academic_levels_name_key ON academic_levels (program_id, lower(name));
      CREATE INDEX academic_levels_position_idx ON academic_levels (program_id, position);
      CREATE TABLE sections (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        level_id               uuid NOT NULL REFERENCES academic_levels (id),
        academic_year          text NOT NULL CHECK (academic_year ~ '^[0-9]{4}-[0-9]{4}$'),
        name                   text NOT NULL,
        capacity               integer NOT NULL CHECK (capacity > 0),
        homeroom_instructor_id uuid REFERENCES staff (profile_id) ON DELETE SET NULL,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX sections_name_key ON sections (level_id, academic_year, lower(name));
      CREATE INDEX sections_academic_year_idx ON sections (academic_year);
      CREATE INDEX sections_homeroom_idx ON sections (homeroom_instructor_id);
      CREATE TABLE section_students (
        section_id  uuid NOT NULL REFERENCES sections (id),
        student_id  uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (section_id, student_id)
      );
      CREATE INDEX section_students_student_idx ON section_students (student_id);
      CREATE TABLE subjects (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code        text NOT NULL,
        name        text NOT NULL,
        level_id    uuid REFERENCES academic_levels (id),
        description text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX subjects_code_key ON subjects (lower(code));
      CREATE INDEX subjects_level_idx ON subjects (level_id);
      -- Who teaches what where. Part of its section (goes with it); a subject in use is kept.
      CREATE TABLE teaching_assignments (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        section_id    uuid NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
        subject_id    uuid NOT NULL REFERENCES subjects (id),
        instructor_id uuid NOT NULL REFERENCES staff (profile_id) ON DELETE CASCADE,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT teaching_assignments_key UNIQUE (section_id, subject_id, instructor_id)
      );
      CREATE INDEX teaching_assignments_instructor_idx ON teaching_assignments (instructor_id);
      CREATE INDEX teaching_assignments_subject_idx ON teaching_assignments (subject_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE teaching_assignments, subjects, section_students, sections, academic_levels,
        programs`);
  }
}
