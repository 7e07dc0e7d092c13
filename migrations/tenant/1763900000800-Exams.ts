import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Exams, marks, results and report cards.
 *
 * - `grading_scales` (one default) hold `grading_bands`: from `min_percent` up to the next
 *   band, a letter, a grade point and a remark. Results point at the band they fell in, so a
 *   band results use cannot be deleted (RESTRICT).
 * - An exam belongs to a term and covers levels (`exam_levels`; a program is taken as its
 *   levels when the exam is made). Its papers are per subject and level, optionally one
 *   section, at a local date and time with a duration.
 * - `exam_marks` hold one mark or an absence per paper and student (absent is not zero);
 *   changes after publication are kept in `exam_mark_changes` with who and why.
 * - Publishing writes `exam_results` (total, percentage, band, rank in the section) in one
 *   set-based statement; `exam_subject_results` keep each paper's percentage and band for
 *   report cards.
 * - `subject_weightings` split a term grade between coursework and exams, per subject.
 * - `report_card_batches` hold a section's report cards built by a job, as one PDF.
 */
export class Exams1763900000800 implements MigrationInterface {
  name = 'Exams1763900000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE grading_scales (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name       text NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX grading_scales_name_key ON grading_scales (lower(name));
      CREATE UNIQUE INDEX grading_scales_default_key ON grading_scales (is_default) WHERE is_default;

      CREATE TABLE grading_bands (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scale_id    uuid NOT NULL REFERENCES grading_scales (id) ON DELETE CASCADE,
        min_percent numeric(5, 2) NOT NULL CHECK (min_percent BETWEEN 0 AND 100),
        letter      text NOT NULL,
        grade_point numeric(4, 2) CHECK (grade_point >= 0),
        remark      text,
        CONSTRAINT grading_bands_min_key UNIQUE (scale_id, min_percent)
      );
      CREATE UNIQUE INDEX grading_bands_letter_key ON grading_bands (scale_id, lower(letter));

      CREATE TABLE exams (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        term_id          uuid NOT NULL REFERENCES terms (id),
        name             text NOT NULL,
        -- null: the school's default scale, read when the exam is published.
        grading_scale_id uuid REFERENCES grading_scales (id),
        starts_on        date,
        ends_on          date,
        status           text NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'scheduled', 'marking', 'published', 'locked')),
        published_at     timestamptz,
        published_by     uuid REFERENCES profiles (id) ON DELETE SET NULL,
        -- Reopened by exams.manage after publication: marks may change again, with history.
        reopened_at      timestamptz,
        reopened_by      uuid REFERENCES profiles (id) ON DELETE SET NULL,
        reopen_reason    text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on)
      );
      CREATE UNIQUE INDEX exams_name_key ON exams (term_id, lower(name));
      CREATE INDEX exams_scale_idx ON exams (grading_scale_id);

      CREATE TABLE exam_levels (
        exam_id  uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
        level_id uuid NOT NULL REFERENCES academic_levels (id),
        PRIMARY KEY (exam_id, level_id)
      );
      CREATE INDEX exam_levels_level_idx ON exam_levels (level_id);

      CREATE TABLE exam_papers (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        exam_id          uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
        subject_id       uuid NOT NULL REFERENCES subjects (id),
        level_id         uuid NOT NULL REFERENCES academic_levels (id),
        -- null: every section of the level sits it.
        section_id       uuid REFERENCES sections (id),
        sits_on          date NOT NULL,
        starts_at        time NOT NULL,
        duration_minutes smallint NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
        max_marks        numeric(6, 2) NOT NULL CHECK (max_marks > 0),
        pass_marks       numeric(6, 2) NOT NULL CHECK (pass_marks >= 0 AND pass_marks <= max_marks),
        room             text,
        invigilator_id   uuid REFERENCES staff (profile_id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX exam_papers_key ON exam_papers
        (exam_id, subject_id, level_id, coalesce(section_id, '00000000-0000-0000-0000-000000000000'));
      CREATE INDEX exam_papers_day_idx ON exam_papers (sits_on);
      CREATE INDEX exam_papers_section_idx ON exam_papers (section_id);
      CREATE INDEX exam_papers_invigilator_idx ON exam_papers (invigilator_id);

      CREATE TABLE exam_marks (
        paper_id   uuid NOT NULL REFERENCES exam_papers (id) ON DELETE CASCADE,
        student_id uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        marks      numeric(6, 2) CHECK (marks >= 0),
        is_absent  boolean NOT NULL DEFAULT false,
        entered_by uuid REFERENCES profiles (id) ON DELETE SET NULL,
        entered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (paper_id, student_id),
        CHECK (is_absent = (marks IS NULL))
      );
      CREATE INDEX exam_marks_student_idx ON exam_marks (student_id);

      CREATE TABLE exam_mark_changes (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        paper_id   uuid NOT NULL REFERENCES exam_papers (id) ON DELETE CASCADE,
        student_id uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        old_marks  numeric(6, 2),
        old_absent boolean,
        new_marks  numeric(6, 2),
        new_absent boolean NOT NULL,
        reason     text NOT NULL,
        changed_by uuid REFERENCES profiles (id) ON DELETE SET NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX exam_mark_changes_paper_idx ON exam_mark_changes (paper_id, student_id);

      CREATE TABLE exam_results (
        exam_id       uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
        student_id    uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        section_id    uuid NOT NULL REFERENCES sections (id),
        total         numeric(8, 2) NOT NULL,
        max_total     numeric(8, 2) NOT NULL,
        percentage    numeric(5, 2) NOT NULL,
        band_id       uuid REFERENCES grading_bands (id),
        passed        boolean NOT NULL,
        papers_absent smallint NOT NULL DEFAULT 0,
        -- Within the section; ties share a rank (1, 2, 2, 4).
        section_rank  integer NOT NULL,
        computed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (exam_id, student_id)
      );
      CREATE INDEX exam_results_section_idx ON exam_results (exam_id, section_id, section_rank);
      CREATE INDEX exam_results_student_idx ON exam_results (student_id);
      CREATE INDEX exam_results_band_idx ON exam_results (band_id);

      CREATE TABLE exam_subject_results (
        exam_id     uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
        paper_id    uuid NOT NULL REFERENCES exam_papers (id) ON DELETE CASCADE,
        student_id  uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        subject_id  uuid NOT NULL REFERENCES subjects (id),
        marks       numeric(6, 2),
        is_absent   boolean NOT NULL,
        percentage  numeric(5, 2),
        band_id     uuid REFERENCES grading_bands (id),
        passed      boolean NOT NULL,
        PRIMARY KEY (exam_id, paper_id, student_id)
      );
      -- A student's papers of one exam (their results, a report card): the key leads with
      -- the exam and would read every paper result of it.
      CREATE INDEX exam_subject_results_student_idx ON exam_subject_results (student_id, exam_id);
      CREATE INDEX exam_subject_results_band_idx ON exam_subject_results (band_id);

      CREATE TABLE subject_weightings (
        term_id           uuid NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
        subject_id        uuid NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        -- The exam part is the rest (100 - coursework_percent).
        coursework_percent smallint NOT NULL CHECK (coursework_percent BETWEEN 0 AND 100),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (term_id, subject_id)
      );

      CREATE TABLE report_card_batches (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        section_id   uuid NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
        term_id      uuid NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
        status       text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'building', 'ready', 'failed')),
        student_count integer,
        file         bytea,
        error        text,
        requested_by uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz
      );
      CREATE INDEX report_card_batches_section_idx ON report_card_batches (section_id, created_at DESC);

      -- Every school starts with a default scale it can edit: the letter grades of Nepal's
      -- secondary education (NEB), from A+ (90 %) to NG.
      WITH scale AS (
        INSERT INTO grading_scales (name, is_default) VALUES ('Letter grades', true) RETURNING id)
      INSERT INTO grading_bands (scale_id, min_percent, letter, grade_point, remark)
      SELECT scale.id, b.min_percent, b.letter, b.grade_point, b.remark
        FROM scale, (VALUES (90, 'A+', 4.0, 'Outstanding'), (80, 'A', 3.6, 'Excellent'),
                            (70, 'B+', 3.2, 'Very good'), (60, 'B', 2.8, 'Good'),
                            (50, 'C+', 2.4, 'Satisfactory'), (40, 'C', 2.0, 'Acceptable'),
                            (35, 'D', 1.6, 'Basic'), (0, 'NG', 0.0, 'Not graded'))
             AS b (min_percent, letter, grade_point, remark);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE report_card_batches, subject_weightings, exam_subject_results, exam_results,
        exam_mark_changes, exam_marks, exam_papers, exam_levels, exams, grading_bands,
        grading_scales`);
  }
}
