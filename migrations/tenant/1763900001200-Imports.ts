import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Bulk imports (libs/imports): one row per uploaded CSV file. The file's bytes stay in `file`
 * only until its job has run (the job clears them in the transaction that records the
 * outcome), so the table holds reports, not copies of the school's spreadsheets.
 */
export class Imports1763900001200 implements MigrationInterface {
  name = 'Imports1763900001200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE imports (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind         text NOT NULL CHECK (kind IN ('students', 'guardians', 'staff', 'enrolments')),
        dry_run      boolean NOT NULL DEFAULT false,
        status       text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
        file_size    integer NOT NULL CHECK (file_size >= 0),
        file         bytea,
        -- Data rows read (the header not counted), and what became of them.
        rows         integer NOT NULL DEFAULT 0,
        created      integer NOT NULL DEFAULT 0,
        unchanged    integer NOT NULL DEFAULT 0,
        -- [{row, column, code, message}], the header being row 1.
        errors       jsonb NOT NULL DEFAULT '[]',
        -- Runs of its job so far: past the retries, the import is failed rather than left running.
        attempts     smallint NOT NULL DEFAULT 0,
        requested_by uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        started_at   timestamptz,
        finished_at  timestamptz,
        CHECK ((status IN ('queued', 'running')) = (finished_at IS NULL))
      );
      CREATE INDEX imports_created_at_idx ON imports (created_at);
      CREATE INDEX imports_requested_by_idx ON imports (requested_by);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE imports`);
  }
}
