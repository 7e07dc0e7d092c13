import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Course content is published by instructors to a section for a subject; students hand in
 * submissions to assignments. A submission is one row per student and assignment (the thing
 * that is graded); every hand-in is kept as an attempt, the latest being the current one.
 */
export class Coursework1763900000620 implements MigrationInterface {
  name = 'Coursework1763900000620';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE course_contents (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        section_id   uuid NOT NULL REFERENCES sections (id),
        subject_id   uuid NOT NULL REFERENCES subjects (id),
        kind         text NOT NULL CHECK (kind IN ('assignment', 'note', 'resource')),
        title        text NOT NULL,
        body         text NOT NULL,
        due_at       timestamptz,
        max_points   numeric(8, 2) CHECK (max_points > 0),
        is_published boolean NOT NULL DEFAULT false,
        published_at timestamptz,
        author_id    uuid REFERENCES staff (profile_id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT course_contents_assignment_fields
          CHECK (kind = 'assignment' OR (due_at IS NULL AND max_points IS NULL))
      );
      CREATE INDEX course_contents_section_idx ON course_contents (section_id, created_at);
      CREATE INDEX course_contents_subject_idx ON course_contents (subject_id);
      CREATE TABLE submissions (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        content_id    uuid NOT NULL REFERENCES course_contents (id),
        student_id    uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        status        text NOT NULL DEFAULT 'submitted'
                      CHECK (status IN ('submitted', 'graded', 'returned')),
        -- The current (latest) attempt, copied here so lists need no second look-up.
        attempt_count integer NOT NULL DEFAULT 1,
        submitted_at  timestamptz NOT NULL,
        is_late       boolean NOT NULL,
        points        numeric(8, 2) CHECK (points >= 0),
        feedback      text,
        graded_by     uuid REFERENCES staff (profile_id) ON DELETE SET NULL,
        graded_at     timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT submissions_key UNIQUE (content_id, student_id),
        CONSTRAINT submissions_graded_has_points CHECK (status <> 'graded' OR points IS NOT NULL)
      );
      CREATE INDEX submissions_student_idx ON submissions (student_id);
      CREATE INDEX submissions_content_status_idx ON submissions (content_id, status);
      CREATE TABLE submission_attempts (
        submission_id uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        attempt       integer NOT NULL,
        body          text NOT NULL,
        attachments   jsonb NOT NULL DEFAULT '[]',
        submitted_at  timestamptz NOT NULL,
        is_late       boolean NOT NULL,
        -- What the instructor said about this attempt when returning or grading it.
        feedback      text,
        PRIMARY KEY (submission_id, attempt)
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE submission_attempts, submissions, course_contents`);
  }
}
