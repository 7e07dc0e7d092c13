import { Injectable } from '@nestjs/common';
import { selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type Ids } from './seed-rows';

/** A teaching assignment that has no content yet, with its subject's name. */
export interface UntaughtAssignment {
  section_id: string;
  subject_id: string;
  instructor_id: string;
  name: string;
}

export interface SeededContent {
  section: string;
  subject: string;
  author: string;
  kind: string;
  title: string;
  body: string;
  due: Date | null;
  max: number | null;
  published: boolean;
}

/** A student of a section who has not handed in to one of its published assignments. */
export interface DueHandIn {
  content_id: string;
  student_id: string;
  due_at: Date;
  max_points: string;
  author_id: string;
}

export interface SeededSubmission {
  content: string;
  student: string;
  submittedAt: Date;
  late: boolean;
  attempts: number;
  status: string;
  points: number | null;
  feedback: string | null;
  grader: string | null;
  body: string;
}

/**
 * How a seeded school teaches, written in bulk. Inserts are keyed (ON CONFLICT DO NOTHING)
 * and answer only what they added, so a re-run adds none.
 */
/**
 * CTEs over $1, a year name such as '2025-2026': `bounds` (1 July to 30 June) and `existing`,
 * the school's year of that name or, failing it, the year it keeps over those dates.
 */
const SEED_YEAR = `bounds AS (
         SELECT make_date(split_part($1, '-', 1)::int, 7, 1) AS starts_on,
                make_date(split_part($1, '-', 2)::int, 6, 30) AS ends_on),
       existing AS (
         SELECT y.id FROM academic_years y, bounds b
          WHERE lower(y.name) = lower($1) OR (y.starts_on <= b.ends_on AND y.ends_on >= b.starts_on)
          ORDER BY lower(y.name) = lower($1) DESC, y.starts_on LIMIT 1)`;

@Injectable()
export class SeedCourseworkRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Programs or subjects by code and name. */
  insertCoded(
    table: 'programs' | 'subjects',
    rows: ReadonlyArray<{ code: string; name: string }>,
  ): Promise<Ids> {
    return this.ids(
      `INSERT INTO ${table} (code, name)
       SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING id`,
      [rows.map((row) => row.code), rows.map((row) => row.name)],
    );
  }

  /** Levels of the programs named by code. */
  insertLevels(
    levels: ReadonlyArray<{ code: string; name: string; position: number }>,
  ): Promise<Ids> {
    return this.ids(
      `INSERT INTO academic_levels (program_id, name, position)
       SELECT p.id, l.name, l.position
         FROM unnest($1::text[], $2::text[], $3::int[]) AS l (code, name, position)
         JOIN programs p ON lower(p.code) = lower(l.code)
       ON CONFLICT DO NOTHING RETURNING id`,
      [levels.map((l) => l.code), levels.map((l) => l.name), levels.map((l) => l.position)],
    );
  }

  /**
   * Sections of every level named `names` in the year, each of `capacity` seats. The year is
   * the school's of that name, else the one it already keeps over those dates (years never
   * overlap), else one made running 1 July to 30 June.
   */
  insertSections(year: string, names: string[], capacity: number): Promise<Ids> {
    return this.ids(
      `WITH ${SEED_YEAR},
       made AS (
         INSERT INTO academic_years (name, starts_on, ends_on)
         SELECT $1, b.starts_on, b.ends_on FROM bounds b
          WHERE NOT EXISTS (SELECT 1 FROM existing)
         RETURNING id),
       year AS (SELECT id FROM existing UNION ALL SELECT id FROM made)
       INSERT INTO sections (level_id, academic_year_id, name, capacity)
       SELECT l.id, year.id, s.name, $3 FROM academic_levels l, year, unnest($2::text[]) AS s (name)
       ON CONFLICT DO NOTHING RETURNING id`,
      [year, names, capacity],
    );
  }

  sectionsOf(year: string): Promise<Ids> {
    return this.ids(
      `WITH ${SEED_YEAR}
       SELECT sec.id FROM sections sec JOIN existing y ON y.id = sec.academic_year_id`,
      [year],
    );
  }

  /** Students without a section this year fill the emptiest sections first, within capacity. */
  async enrolWaitingStudents(sections: Ids): Promise<number> {
    const row = await selectRow<{ n: number }>(
      this.tenant.manager,
      `WITH free AS (
         SELECT s.id, s.capacity - count(ss.student_id) AS room
           FROM sections s
           LEFT JOIN section_students ss ON ss.section_id = s.id AND ss.left_on IS NULL
          WHERE s.id = ANY($1::uuid[]) GROUP BY s.id),
       seats AS (
         SELECT f.id AS section_id, row_number() OVER (ORDER BY n, f.id) AS seat
           FROM free f, generate_series(1, greatest(f.room, 0)) AS n),
       waiting AS (
         SELECT st.profile_id, row_number() OVER (ORDER BY st.admission_number) AS seat
           FROM students st
          WHERE st.status = 'active' AND NOT EXISTS (
                SELECT 1 FROM section_students ss WHERE ss.student_id = st.profile_id
                   AND ss.section_id = ANY($1::uuid[]) AND ss.left_on IS NULL)),
       enrolled AS (
         INSERT INTO section_students (section_id, student_id, joined_on)
         SELECT seats.section_id, waiting.profile_id, (now() AT TIME ZONE timezone)::date
           FROM waiting JOIN seats USING (seat), school_settings
         RETURNING 1)
       SELECT count(*)::int AS n FROM enrolled`,
      [sections],
    );
    return row?.n ?? 0;
  }

  /** Every subject in every section gets an instructor, and every section a homeroom teacher. */
  async assignTeaching(sections: Ids): Promise<number> {
    const row = await selectRow<{ n: number }>(
      this.tenant.manager,
      `WITH teachers AS (
         SELECT profile_id, row_number() OVER (ORDER BY profile_id) - 1 AS n, count(*) OVER () AS total
           FROM staff WHERE job_title = 'Instructor' AND status = 'active'),
       wanted AS (
         SELECT s.id AS section_id, j.id AS subject_id,
                row_number() OVER (ORDER BY s.id, j.code) - 1 AS n
           FROM sections s CROSS JOIN subjects j
          WHERE s.id = ANY($1::uuid[]) AND NOT EXISTS (
                SELECT 1 FROM teaching_assignments t
                 WHERE t.section_id = s.id AND t.subject_id = j.id)),
       assigned AS (
         INSERT INTO teaching_assignments (section_id, subject_id, instructor_id)
         SELECT w.section_id, w.subject_id, t.profile_id
           FROM wanted w JOIN teachers t ON t.n = w.n % t.total
         RETURNING section_id, instructor_id),
       homeroom AS (
         UPDATE sections s SET homeroom_instructor_id = a.instructor_id
           FROM (SELECT DISTINCT ON (section_id) section_id, instructor_id FROM assigned
                  ORDER BY section_id, instructor_id) a
          WHERE s.id = a.section_id AND s.homeroom_instructor_id IS NULL
         RETURNING 1)
       SELECT count(*)::int AS n FROM assigned`,
      [sections],
    );
    return row?.n ?? 0;
  }

  untaughtAssignments(): Promise<UntaughtAssignment[]> {
    return selectRows<UntaughtAssignment>(
      this.tenant.manager,
      `SELECT t.section_id, t.subject_id, t.instructor_id, j.name
         FROM teaching_assignments t JOIN subjects j ON j.id = t.subject_id
        WHERE NOT EXISTS (SELECT 1 FROM course_contents c
                           WHERE c.section_id = t.section_id AND c.subject_id = t.subject_id)`,
    );
  }

  /** Published content is stamped as published ten days ago. */
  insertContents(rows: readonly SeededContent[]): Promise<Ids> {
    return this.ids(
      `INSERT INTO course_contents (section_id, subject_id, author_id, kind, title, body, due_at,
                                    max_points, is_published, published_at)
       SELECT s, j, a, k, t, b, d, m, p, CASE WHEN p THEN now() - interval '10 days' END
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                     $7::timestamptz[], $8::numeric[], $9::boolean[]) AS c (s, j, a, k, t, b, d, m, p)
       RETURNING id`,
      [
        rows.map((r) => r.section),
        rows.map((r) => r.subject),
        rows.map((r) => r.author),
        rows.map((r) => r.kind),
        rows.map((r) => r.title),
        rows.map((r) => r.body),
        rows.map((r) => r.due),
        rows.map((r) => r.max),
        rows.map((r) => r.published),
      ],
    );
  }

  /** Pairs of a published assignment among `contents` and a student of its section, not handed in. */
  dueHandIns(contents: Ids): Promise<DueHandIn[]> {
    return selectRows<DueHandIn>(
      this.tenant.manager,
      `SELECT c.id AS content_id, ss.student_id, c.due_at, c.max_points, c.author_id
         FROM course_contents c
         JOIN section_students ss ON ss.section_id = c.section_id AND ss.left_on IS NULL
        WHERE c.id = ANY($1::uuid[]) AND c.kind = 'assignment' AND c.is_published
          AND NOT EXISTS (SELECT 1 FROM submissions s
                           WHERE s.content_id = c.id AND s.student_id = ss.student_id)`,
      [contents],
    );
  }

  /**
   * Submissions with all their attempts, the earlier ones a day apart; only the last carries
   * the feedback and can be late. Graded and returned work was marked two days after.
   */
  insertSubmissions(rows: readonly SeededSubmission[]): Promise<Ids> {
    return this.ids(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::boolean[], $5::int[],
                              $6::text[], $7::numeric[], $8::text[], $9::uuid[], $10::text[])
                AS i (content_id, student_id, submitted_at, is_late, attempts, status, points,
                      feedback, graded_by, body)),
       made AS (
         INSERT INTO submissions (content_id, student_id, status, attempt_count, submitted_at,
                                  is_late, points, feedback, graded_by, graded_at)
         SELECT content_id, student_id, status, attempts, submitted_at, is_late, points, feedback,
                graded_by, CASE WHEN status <> 'submitted' THEN submitted_at + interval '2 days' END
           FROM input
         ON CONFLICT DO NOTHING
         RETURNING id, content_id, student_id),
       attempts AS (
         INSERT INTO submission_attempts (submission_id, attempt, body, submitted_at, is_late, feedback)
         SELECT m.id, n, i.body, i.submitted_at - (i.attempts - n) * interval '1 day',
                i.is_late AND n = i.attempts, CASE WHEN n = i.attempts THEN i.feedback END
           FROM made m JOIN input i USING (content_id, student_id), generate_series(1, i.attempts) AS n
         RETURNING 1)
       SELECT id FROM made`,
      [
        rows.map((r) => r.content),
        rows.map((r) => r.student),
        rows.map((r) => r.submittedAt),
        rows.map((r) => r.late),
        rows.map((r) => r.attempts),
        rows.map((r) => r.status),
        rows.map((r) => r.points),
        rows.map((r) => r.feedback),
        rows.map((r) => r.grader),
        rows.map((r) => r.body),
      ],
    );
  }

  private async ids(sql: string, parameters: unknown[] = []): Promise<Ids> {
    const rows = await selectRows<{ id: string }>(this.tenant.manager, sql, parameters);
    return rows.map((row) => row.id);
  }
}
